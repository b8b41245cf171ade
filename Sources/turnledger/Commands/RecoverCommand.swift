import ArgumentParser
import TurnLedger

struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "List open turns left by a crash; with --interrupt, close them.",
        discussion: """
            --interrupt gives every unanswered call an `interrupted` result saying the result is \
            unavailable and the tool may or may not have run, then commits each turn.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: "Only this session.") var session: String?
    @Flag(help: "Close the open turns as interrupted.") var interrupt = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let ledger = try options.openLedger()
        let turns: [Turn]
        if interrupt {
            turns = try await ledger.recover(sessionID: session)
        } else if let session {
            turns = try await ledger.currentTurn(in: session).map { [$0] } ?? []
        } else {
            turns = try await ledger.openTurns()
        }
        if json {
            try Output.json(turns)
        } else if turns.isEmpty {
            print("No open turns.")
        } else {
            for turn in turns {
                print(
                    interrupt ? "session \(turn.sessionId): closed the turn at seq \(turn.seq)" : Output.describe(turn))
            }
        }
    }
}
