import ArgumentParser
import Foundation
import TurnLedger

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append a system, developer, user or assistant message; prints the entry as JSON.",
        discussion: "An assistant message with tool calls opens a turn instead: see `turn open`."
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The session id.") var session: String
    @Option(help: "system, developer, user or assistant (with --text).") var role: Role?
    @Option(help: "The message text (with --role).") var text: String?
    @Option(help: "The message as OpenAI Chat JSON, instead of --role and --text.") var json: String?
    @Option(help: "Fail with a conflict unless the entry lands at this seq.") var expectedSeq: Int?
    @Option(help: "A retry with the same key and content returns the first entry.") var idempotencyKey: String?

    func validate() throws {
        switch (role, text, json) {
        case (_?, _?, nil), (nil, nil, _?): break
        default: throw ValidationError("Give either --role and --text, or --json.")
        }
        if role == .tool { throw ValidationError("Tool results are recorded with `turn result`.") }
    }

    func message() throws -> (role: Role, parts: [ContentPart]) {
        guard let json else { return (role ?? .user, [.text(text ?? "")]) }
        let message = try OpenAIChatMessage(json: Data(json.utf8))
        if message.role == .tool {
            throw ValidationError("A tool message is a result: record it with `turn result`.")
        }
        if !message.toolCalls.isEmpty {
            throw ValidationError("An assistant message with tool_calls opens a turn: use `turn open`.")
        }
        return (message.role, message.parts)
    }

    func run() async throws {
        let (role, parts) = try message()
        let ledger = try await options.openLedger()
        let entry = try await ledger.append(
            parts, role: role, to: session, expectedSeq: expectedSeq, idempotencyKey: idempotencyKey)
        try Output.json(entry)
    }
}

extension Role: ExpressibleByArgument {}
