import ArgumentParser
import TurnLedger

struct RewindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewind",
        abstract: "Take a session's history back to a seq; prints the marker as JSON.",
        discussion: """
            Nothing is deleted: a marker is appended, after which the history reads as it stood at --to \
            (0 empties it). The log, the hash chain and `sessions show --as-of` keep what was there. A seq inside \
            a turn is refused, as is a rewind while a turn is open unless --discard-open-turn is given.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The session to rewind.") var session: String
    @Option(help: "The seq whose history the session reads again: 0, or a seq between turns.") var to: Int
    @Flag(help: "Drop the staged open turn (its calls and recorded results) instead of refusing.")
    var discardOpenTurn = false

    func run() async throws {
        try Output.json(
            try await options.openLedger().rewind(session, to: to, discardingOpenTurn: discardOpenTurn))
    }
}
