import ArgumentParser
import Foundation
import TurnLedger

struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Kill a writer process with SIGKILL at random moments and prove nothing is lost.",
        discussion: """
            Runs `turnledger soak-writer` (an agent writing turns at random) and kills it --kills \
            times; after each kill reopens the file, recovers or resumes open turns, and checks: \
            verify (integrity, invariants, hash chains) clean, every acknowledged write present, \
            nothing present that was never attempted, results right after their calls, every \
            context valid in every format. Prints {kills, acknowledged, lost, unattempted, \
            problems, ok} as JSON; exits 1 unless ok.
            """
    )

    @Option(help: "The database file (created when missing).") var db: String
    @Option(help: "How many kills.") var kills = 50
    @Option(help: "The seed of the writers and of the kill times.") var seed: UInt64 = 1
    @Flag(help: "Print progress to stderr every 10 kills.") var progress = false

    func run() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let driver = SoakDriver(path: db, writer: binary, seed: seed)
        let report = try await driver.run(kills: kills) { report in
            if progress, report.kills % 10 == 0 { printError("kills \(report.kills), lost \(report.lost.count)") }
        }
        try Output.json(report)
        if !report.ok {
            report.lost.prefix(10).forEach { printError("lost: \($0)") }
            report.unattempted.prefix(10).forEach { printError("unattempted: \($0)") }
            throw ExitCode(1)
        }
    }
}

struct SoakWriterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak-writer", abstract: "The writer `soak` runs and kills.", shouldDisplay: false)

    @Option var db: String
    @Option var seed: UInt64

    func run() async throws {
        try await SoakWriter(ledger: Ledger(path: db), seed: seed).run()
    }
}
