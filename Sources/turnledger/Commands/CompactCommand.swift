import ArgumentParser
import TurnLedger

struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Append a summary that stands in for seqs --from...--to when contexts are built; prints it as JSON.",
        discussion: """
            Compaction never deletes: the covered entries stay in the log. The range must hold whole turns of \
            the session's history (a fork's inherited turns included); a range that splits one is refused.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The session.") var session: String
    @Option(help: "The first seq the summary covers.") var from: Int
    @Option(help: "The last seq the summary covers.") var to: Int
    @Option(help: "The summary's text.") var text: String
    @Option(help: "user or system.") var role: Role = .user

    func validate() throws {
        guard from >= 1 else { throw ValidationError("--from must be 1 or more.") }
        guard from <= to else { throw ValidationError("--from must not be after --to.") }
        guard role == .user || role == .system else { throw ValidationError("--role must be user or system.") }
    }

    func run() async throws {
        try Output.json(
            try await options.openLedger().appendSummary([.text(text)], covering: from...to, role: role, to: session))
    }
}
