import Foundation
import TurnLedger

/// Conversations written turn by turn through the ledger, for the context tests.
enum Scenario {
    /// The real failure: two parallel fetches, the Wikipedia one a 403, written properly.
    static func parallelCallsWithAnError(_ ledger: Ledger, id: String = "s1") async throws {
        try await Fixtures.startSession(id, in: ledger)
        try await ledger.openTurn(in: id, calls: [Fixtures.weather, Fixtures.wikipedia])
        try await ledger.recordResult(
            [.text("HTTP 403 Forbidden")], outcome: .error, for: Fixtures.wikipedia.id, in: id)
        try await ledger.recordResult(
            [.text(#"{"temp_C":"-3","desc":"Лёгкий снег"}"#)], for: Fixtures.weather.id, in: id)
        try await ledger.commitTurn(in: id)
        try await ledger.append([.text("В Москве −3°C. Википедия ответила 403.")], role: .assistant, to: id)
    }

    /// Every case at once: several tool turns in a row, results out of order, `call_0` in two
    /// turns, an empty result, arguments that are not JSON, non-ASCII, opaque data of two providers.
    static func everything(_ ledger: Ledger, id: String = "s1") async throws {
        try await parallelCallsWithAnError(ledger, id: id)
        try await ledger.append([.text("東京は？ And read /tmp/x.")], role: .user, to: id)
        try await ledger.openTurn(
            in: id,
            parts: [
                .opaque(provider: "anthropic", json: #"{"type":"thinking","thinking":"…","signature":"EqQBCgIYAh"}"#),
                .opaque(
                    provider: "openai-responses",
                    json: #"{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAA"}"#),
                .text("Checking both."),
            ],
            calls: [
                ToolCall(id: "call_0", name: "weather", arguments: #"{"city":"東京", "n": 1.50}"#),
                ToolCall(id: "call_1", name: "read_file", arguments: #"{"path": "/tmp/x"#),  // cut off: not JSON
            ]
        )
        try await ledger.recordResult([], for: "call_1", in: id)  // empty, and before call_0
        try await ledger.recordResult([.text("晴れ 12°C")], for: "call_0", in: id)
        try await ledger.commitTurn(in: id)
        try await ledger.openTurn(in: id, calls: [ToolCall(id: "call_0", name: "clock", arguments: "{}")])
        try await ledger.recordResult([.text("")], for: "call_0", in: id)
        try await ledger.commitTurn(in: id)
        try await ledger.append([.text("Tokyo: 12°C, sunny. The file is empty.")], role: .assistant, to: id)
    }
}

/// A rendered body, parsed back with Foundation: proof that it is valid JSON.
struct ParsedBody {
    let object: [String: Any]

    init(_ context: Context) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(context.body.utf8))
        object = try (parsed as? [String: Any]).orThrow()
    }

    func list(_ key: String) -> [[String: Any]] { object[key] as? [[String: Any]] ?? [] }
}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let self else { throw CocoaError(.coderValueNotFound) }
        return self
    }
}
