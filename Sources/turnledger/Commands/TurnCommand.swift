import ArgumentParser
import Foundation
import TurnLedger

struct TurnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turn",
        abstract: "Open a turn of tool calls, record their results, commit or cancel it.",
        subcommands: [Open.self, Result.self, Commit.self, Cancel.self]
    )

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a turn from an OpenAI Chat assistant message with tool_calls; prints the turn as JSON.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The session id.") var session: String
        @Option(help: "The assistant message, as OpenAI Chat JSON with tool_calls.") var json: String
        @Option(help: "Fail with a conflict unless the turn lands at this seq.") var expectedSeq: Int?
        @Option(help: "A retry with the same key and content returns the same turn.") var idempotencyKey: String?

        func run() async throws {
            let message = try OpenAIChatMessage(json: Data(json.utf8))
            guard message.role == .assistant, !message.toolCalls.isEmpty else {
                throw ValidationError("--json must be an assistant message with tool_calls.")
            }
            let turn = try await options.openLedger().openTurn(
                in: session,
                parts: message.parts,
                calls: message.toolCalls,
                expectedSeq: expectedSeq,
                idempotencyKey: idempotencyKey
            )
            try Output.json(turn)
        }
    }

    struct Result: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the result of one call of the open turn; prints it as JSON.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The session id.") var session: String
        @Argument(help: "The call id the result answers.") var callId: String
        @Option(help: "The tool's output, or its error text with --error. May be empty.") var content: String
        @Flag(help: "The tool failed: store the content as an error result.") var error = false
        @Flag(help: "The last unanswered call: record it and commit the turn in one transaction; prints the turn.")
        var commit = false

        func run() async throws {
            let ledger = try await options.openLedger()
            let outcome: ToolOutcome = error ? .error : .success
            if commit {
                try Output.json(
                    try await ledger.commitTurn(
                        in: session, withResult: [.text(content)], outcome: outcome, for: callId))
            } else {
                try Output.json(
                    try await ledger.recordResult([.text(content)], outcome: outcome, for: callId, in: session))
            }
        }
    }

    struct Commit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Commit the open turn once every call has a result; prints the turn as JSON.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The session id.") var session: String

        func run() async throws {
            try Output.json(try await options.openLedger().commitTurn(in: session))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give every unanswered call a `cancelled` result and commit; prints the turn as JSON.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The session id.") var session: String
        @Option(help: "The content of each cancelled result.")
        var reason = "The tool call was cancelled before it returned a result."

        func run() async throws {
            try Output.json(try await options.openLedger().cancelTurn(in: session, reason: reason))
        }
    }
}
