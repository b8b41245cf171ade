import Foundation
import Testing
import TurnLedger

@Suite struct ImportTests {
    private let realFailure = """
        [
          {"role": "system", "content": "You are a helpful assistant."},
          {"role": "user", "content": "Какая погода в Москве? Также, кто такой Путин?"},
          {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_QzOp1AlcssaIq18co1gngSe8", "type": "function", "function": {"name": "fetch", "arguments": "{\\"url\\":\\"https://wttr.in/Moscow\\"}"}},
            {"id": "call_tKaDkhHGLPeg8gBmu8vuBZM1", "type": "function", "function": {"name": "fetch", "arguments": "{\\"url\\":\\"https://ru.wikipedia.org/wiki/Путин\\"}"}}
          ]},
          {"role": "user", "content": "You attempted to help..."}
        ]
        """

    private func json(_ text: String) -> Data { Data(text.utf8) }

    private func object(_ text: String) throws -> NSDictionary {
        try (JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary).orThrow()
    }

    @Test(arguments: Engine.allCases) func theRealFailureIsRefusedNamingBothIdsAndThePositionAndNothingIsWritten(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }

        await #expect(
            throws: LedgerError.historyRejected(
                position: "messages[2]",
                reason: "the assistant message's tool_calls are not all answered before messages[3] (user)",
                unansweredCallIDs: ["call_QzOp1AlcssaIq18co1gngSe8", "call_tKaDkhHGLPeg8gBmu8vuBZM1"]
            )
        ) {
            try await temp.ledger.importHistory(json(realFailure), format: .openAIChat, into: "s1")
        }
        #expect(try await temp.ledger.session("s1") == nil)
    }

    @Test(arguments: Engine.allCases) func anOpenAIChatHistoryRoundTripsToAnEquivalentBody(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let history = """
            {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Погода?"},\
            {"role":"assistant","content":null,"tool_calls":[\
            {"id":"call_0","type":"function","function":{"name":"weather","arguments":"{\\"city\\": \\"Moscow\\""}},\
            {"id":"call_1","type":"function","function":{"name":"wiki","arguments":"{}"}}]},\
            {"role":"tool","tool_call_id":"call_0","content":"-3°C"},{"role":"tool","tool_call_id":"call_1","content":""},\
            {"role":"assistant","content":"Холодно."}]}
            """

        let entries = try await temp.ledger.importHistory(json(history), format: .openAIChat, into: "s1")
        let context = try await temp.ledger.context(for: "s1", format: .openAIChat)

        #expect(entries.map(\.seq) == Array(1...6))
        #expect(try object(context.body) == object(history))
        #expect(try await temp.ledger.verify().isClean)
    }

    @Test(arguments: Engine.allCases) func resultsImportedOutOfOrderAreStoredInCallOrder(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let history = """
            [{"role":"user","content":"Go"},{"role":"assistant","content":"","tool_calls":[\
            {"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},\
            {"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]},\
            {"role":"tool","tool_call_id":"b","content":"B"},{"role":"tool","tool_call_id":"a","content":"A"}]
            """
        let entries = try await temp.ledger.importHistory(json(history), format: .openAIChat, into: "s1")
        #expect(entries.compactMap(\.toolCallId) == ["a", "b"])
        #expect(entries.filter { $0.role == .tool }.map(\.parts) == [[.text("A")], [.text("B")]])
    }

    @Test(arguments: [
        (#"[{"role":"tool","tool_call_id":"x","content":"?"}]"#, "messages[0]"),
        (
            #"[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"zz","content":"?"}]"#,
            "messages[1]"
        ),
        (
            #"[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}]"#,
            "messages[0]"
        ),
    ])
    func unpairedOpenAIHistoriesAreRefusedAtTheirPosition(history: String, position: String) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let error = await #expect(throws: LedgerError.self) {
            try await temp.ledger.importHistory(json(history), format: .openAIChat, into: "s1")
        }
        guard case .historyRejected(let at, _, _) = try #require(error) else {
            Issue.record("expected history_rejected, got \(String(describing: error))")
            return
        }
        #expect(at == position)
        #expect(try await temp.ledger.session("s1") == nil)
    }

    @Test(arguments: Engine.allCases) func anAnthropicHistoryRoundTripsWithThinkingErrorsAndImages(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let history = """
            {"system":[{"type":"text","text":"Be brief."}],"messages":[\
            {"role":"user","content":[{"type":"text","text":"What is in this picture, and the weather?"},\
            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},\
            {"role":"assistant","content":[{"type":"thinking","thinking":"Two tools.","signature":"EqQBCgIYAh"},\
            {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Moscow"}},\
            {"type":"tool_use","id":"toolu_2","name":"vision","input":{}}]},\
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"-3°C"}]},\
            {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"HTTP 403 Forbidden"}],"is_error":true},\
            {"type":"text","text":"Hurry."}]},\
            {"role":"assistant","content":[{"type":"text","text":"-3°C; the picture could not be read."}]}]}
            """

        try await temp.ledger.importHistory(json(history), format: .anthropic, into: "s1")
        let entries = try await temp.ledger.entries(in: "s1")
        let context = try await temp.ledger.context(for: "s1", format: .anthropic)

        #expect(entries.map(\.role) == [.system, .user, .assistant, .tool, .tool, .user, .assistant])
        #expect(entries.compactMap(\.outcome) == [.success, .error])
        #expect(try object(context.body) == object(history))
    }

    @Test(arguments: Engine.allCases) func anAnthropicToolUseWithoutResultsIsRefused(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let history = """
            {"messages":[{"role":"user","content":"Hi"},\
            {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},\
            {"role":"user","content":"Anyone?"}]}
            """
        await #expect(
            throws: LedgerError.historyRejected(
                position: "messages[1]",
                reason:
                    "the assistant message's tool_use blocks are not all answered by tool_result blocks before messages[2] (user)",
                unansweredCallIDs: ["toolu_1"]
            )
        ) {
            try await temp.ledger.importHistory(json(history), format: .anthropic, into: "s1")
        }
    }

    @Test(arguments: Engine.allCases) func anImportIsAllOrNothingAndAppendsAfterAnExistingLog(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        let history = #"[{"role":"assistant","content":"Hello again."},{"role":"user","content":"Hi"}]"#
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather])

        await #expect(
            throws: LedgerError.openTurnPending(sessionID: "s1", seq: 3, unansweredCallIDs: [Fixtures.weather.id])
        ) {
            try await temp.ledger.importHistory(json(history), format: .openAIChat, into: "s1")
        }
        #expect(try await temp.ledger.entries(in: "s1").count == 2)

        try await temp.ledger.cancelTurn(in: "s1")
        let imported = try await temp.ledger.importHistory(json(history), format: .openAIChat, into: "s1")
        #expect(imported.map(\.seq) == [5, 6])
        await #expect(
            throws: LedgerError.invalidInput(
                field: "format", reason: "import reads openai-chat or anthropic, not gemini")
        ) {
            try await temp.ledger.importHistory(json(history), format: .gemini, into: "s1")
        }
    }
}
