import ArgumentParser
import TurnLedger

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the database: SQLite's integrity check and every invariant as a query.",
        discussion: "Exits with status 1 when anything is wrong, after naming each problem."
    )

    @OptionGroup var options: LedgerOptions
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let report = try await options.openLedger().verify()
        if json {
            try Output.json(report)
        } else if report.isClean {
            print("ok: \(report.checks.count) checks passed")
        } else {
            report.problems.forEach { print("\($0.check): \($0.detail)") }
        }
        if !report.isClean { throw ExitCode.failure }
    }
}
