import Foundation
import TurnLedger

/// The parallel calls of the failure TurnLedger exists to end: one returns 200, the other 403.
enum Fixtures {
    static let weather = ToolCall(
        id: "call_QzOp1AlcssaIq18co1gngSe8",
        name: "fetch",
        arguments: #"{"url":"https://wttr.in/Moscow?format=j1"}"#
    )
    static let wikipedia = ToolCall(
        id: "call_tKaDkhHGLPeg8gBmu8vuBZM1",
        name: "fetch",
        arguments: #"{"url":"https://ru.wikipedia.org/wiki/Путин"}"#
    )
    static let search = ToolCall(id: "call_3", name: "search", arguments: #"{"q":"погода"}"#)
    static let question = "Какая погода в Москве? Также, кто такой Путин?"

    /// A session `id` with a system prompt and a user question, ready for a tool turn.
    static func startSession(_ id: String, in ledger: Ledger) async throws {
        try await ledger.createSession(id: id, metadata: ["agent": "weather-bot"])
        try await ledger.append([.text("You are a helpful assistant.")], role: .system, to: id)
        try await ledger.append([.text(question)], role: .user, to: id)
    }
}

extension Fixtures {
    /// A file of the workplace's `shared/` folder, which lies beside the repository.
    static func sharedFile(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared").appendingPathComponent(name)
    }
}
