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
        let ledger = try await options.openLedger()
        guard output == "-" else {
            let summary = try await ledger.export(to: URL(fileURLWithPath: output))
            printError("exported \(summary.sessions) sessions, \(summary.lines) lines")
            return
        }
        let summary = try await ledger.export(to: FileHandle.standardOutput)
        printError("exported \(summary.sessions) sessions, \(summary.lines) lines")
    }
}
