import ArgumentParser
import Foundation
import TurnLedger

struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove a whole session for good, recorded in the purge audit; prints the audit records.",
        discussion: "A session with forks is refused unless --including-forks. `purge --audit` lists every purge."
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The session to remove.") var session: String?
    @Option(help: "Why: kept in the audit.") var reason: String?
    @Option(help: "Who asked. Default: $USER.") var requestedBy: String?
    @Flag(help: "Purge the session's forks too.") var includingForks = false
    @Flag(help: "List the purge audit instead.") var audit = false

    func validate() throws {
        if !audit && (session == nil || reason == nil) {
            throw ValidationError("purge needs a SESSION and --reason (or --audit).")
        }
    }

    func run() async throws {
        let ledger = try await options.openLedger()
        guard let session, let reason, !audit else {
            try Output.json(try await ledger.purgeAudit())
            return
        }
        let requester = requestedBy ?? ProcessInfo.processInfo.environment["USER"] ?? "cli"
        try Output.json(
            try await ledger.purge(session, reason: reason, requestedBy: requester, includingForks: includingForks))
    }
}
