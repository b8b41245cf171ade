import Foundation
import Testing
import TurnLedger

@Suite struct RoundTripTests {
    @Test(arguments: [
        #"{"city": "Paris", "#,  // cut off mid-object: not valid JSON
        "",
        "not json at all",
        #"{"q":"Какая погода? 東京の天気 🌧️","nested":{"a":[1,2,{"b":null}]}}"#,
        "{\"tab\":\"\t\",\"nul\":\"\\u0000\",\"crlf\":\"\r\n\"}",
    ])
    func toolArgumentsRoundTripByteForByte(arguments: String) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        let call = ToolCall(id: "call_0", name: "weather", arguments: arguments)
        try await ledger.openTurn(in: "s1", calls: [call])
        try await ledger.recordResult([.text("")], for: "call_0", in: "s1")
        try await ledger.commitTurn(in: "s1")

        let stored = try #require(try await ledger.entries(in: "s1").first { $0.role == .assistant })
        #expect(Array(stored.toolCalls[0].arguments.utf8) == Array(arguments.utf8))
    }

    @Test(arguments: Engine.allCases) func emptyResultsAndNonASCIITextRoundTripByteForByte(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        let unusual = "セッション/№1 \u{1F600} e\u{301}"  // decomposed é must stay decomposed
        try await ledger.createSession(id: unusual, metadata: ["ключ": "значение", "n": 3, "ok": true])
        try await ledger.append([.text(Fixtures.question)], role: .user, to: unusual)
        let calls = [
            ToolCall(id: "call:ü/1 ", name: "read_file", arguments: #"{"path":"/tmp/данные.txt"}"#),
            ToolCall(id: "toolu_01A09q90qw90lq917835lq9", name: "search", arguments: "{}"),
        ]
        try await ledger.openTurn(
            in: unusual,
            parts: [
                .text("Проверяю…"),
                .opaque(provider: "anthropic", json: #"{"type":"thinking","signature":"EqQBCgIYAh…"}"#),
            ],
            calls: calls
        )
        try await ledger.recordResult([], for: calls[0].id, in: unusual)
        try await ledger.recordResult([.text("")], for: calls[1].id, in: unusual)
        try await ledger.commitTurn(in: unusual)

        let entries = try await ledger.entries(in: unusual)
        #expect(entries.map(\.sessionId).allSatisfy { Array($0.utf8) == Array(unusual.utf8) })
        #expect(entries[0].parts == [.text(Fixtures.question)])
        #expect(entries[0].parts.text.utf8.elementsEqual(Fixtures.question.utf8))
        #expect(
            entries[1].parts[1]
                == .opaque(provider: "anthropic", json: #"{"type":"thinking","signature":"EqQBCgIYAh…"}"#))
        #expect(entries[1].toolCalls.map { Array($0.id.utf8) } == calls.map { Array($0.id.utf8) })
        #expect(entries[2].parts == [])
        #expect(entries[3].parts == [.text("")])
        let session = try #require(try await ledger.session(unusual))
        #expect(session.metadata == ["ключ": "значение", "n": 3, "ok": true])
    }
}
