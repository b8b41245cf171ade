import ArgumentParser
import TurnLedger

struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "List open turns left by a crash; with --interrupt, close them.",
        discussion: """
            --interrupt gives every unanswered call an `interrupted` result saying the result is \
            unavailable and the tool may or may not have run, then commits each turn. With \
            --idle-for, only turns nothing was written to for that long are closed: use it while \
            other processes may still be working on their turns.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: "Only this session.") var session: String?
    @Flag(help: "Close the open turns as interrupted.") var interrupt = false
    @Option(help: "With --interrupt: only turns idle this long, such as 90s, 10m or 2h.")
    var idleFor: IdleDuration?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let ledger = try await options.openLedger()
        let turns: [Turn]
        if idleFor != nil, !interrupt {
            throw ValidationError("--idle-for goes with --interrupt.")
        }
        if interrupt {
            turns = try await ledger.recover(sessionID: session, idleFor: idleFor?.duration)
        } else if let session {
            turns = try await ledger.currentTurn(in: session).map { [$0] } ?? []
        } else {
            turns = try await ledger.openTurns()
        }
        if json {
            try Output.json(turns)
        } else if turns.isEmpty {
            print(interrupt && idleFor != nil ? "No open turn has been idle that long." : "No open turns.")
        } else {
            for turn in turns {
                print(
                    interrupt ? "session \(turn.sessionId): closed the turn at seq \(turn.seq)" : Output.describe(turn))
            }
        }
    }
}

/// A duration on the command line: a whole number and a unit, `s`, `m` or `h` (`90s`, `10m`, `2h`).
struct IdleDuration: ExpressibleByArgument {
    var duration: Duration

    init?(argument: String) {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600]
        guard let unit = argument.last.flatMap({ units[$0] }), let count = Int64(argument.dropLast()), count >= 0,
            count <= Int64.max / 3_600
        else { return nil }
        duration = .seconds(count * unit)
    }
}
