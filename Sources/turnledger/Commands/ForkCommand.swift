import ArgumentParser
import TurnLedger

struct ForkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fork",
        abstract: "Start a session that continues another's history after a seq; prints it as JSON.",
        discussion: "Nothing is copied: the fork reads its parent's entries up to --at. A seq inside a turn is refused."
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The session to fork.") var session: String
    @Option(help: "The last seq of the parent's history the fork keeps.") var at: Int
    @Option(name: .customLong("as"), help: "The new session's id.") var newID: String

    func run() async throws {
        try Output.json(try await options.openLedger().fork(session, at: at, as: newID))
    }
}
