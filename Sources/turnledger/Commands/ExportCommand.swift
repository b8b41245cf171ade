import ArgumentParser
import Foundation
import TurnLedger

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole store as a TurnLedger export (JSON Lines, docs/export-format.md).",
        discussion: "The summary {sessions, lines} goes to stderr. Import it with `import --format turnledger FILE`."
    )

    @OptionGroup var options: LedgerOptions
    @Option(name: .shortAndLong, help: "The file to write, or - for stdout.") var output = "-"

    func run() async throws {
        let ledger = try options.openLedger()
        guard output == "-" else {
            let summary = try await ledger.export(to: URL(fileURLWithPath: output))
            printError("exported \(summary.sessions) sessions, \(summary.lines) lines")
            return
        }
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("turnledger-export-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let summary = try await ledger.export(to: temporary)
        let input = try FileHandle(forReadingFrom: temporary)
        defer { try? input.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            FileHandle.standardOutput.write(chunk)
        }
        printError("exported \(summary.sessions) sessions, \(summary.lines) lines")
    }
}
