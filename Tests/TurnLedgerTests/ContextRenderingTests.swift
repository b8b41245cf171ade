import Foundation
import Testing
import TurnLedger

@Suite struct ContextRenderingTests {
    @Test(arguments: ProviderFormat.allCases)
    func oneStoredConversationRendersValidlyForEveryProviderAndTheSameBytesTwice(format: ProviderFormat) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)

        let first = try await temp.ledger.context(for: "s1", format: format)
        let second = try await temp.ledger.context(for: "s1", format: format)

        #expect(first.body == second.body)
        _ = try ParsedBody(first)
        #expect(first.renderedSeqs == Array(1...13))
        #expect(first.omittedSeqs == [])
        // Opaque data goes back only to the provider that produced it.
        #expect(first.body.contains("EqQBCgIYAh") == (format == .anthropic))
        #expect(first.body.contains("gAAA") == (format == .openAIResponses))
    }

    @Test(arguments: [
        (
            ProviderFormat.openAIChat,
            #"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}"#
        ),
        (
            .openAIResponses,
            #"{"input":[{"type":"message","role":"system","content":[{"type":"input_text","text":"Be brief."}]},{"type":"message","role":"user","content":[{"type":"input_text","text":"Hi"}]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello!"}]}]}"#
        ),
        (
            .anthropic,
            #"{"system":[{"type":"text","text":"Be brief."}],"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]},{"role":"assistant","content":[{"type":"text","text":"Hello!"}]}]}"#
        ),
        (
            .gemini,
            #"{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"Hello!"}]}]}"#
        ),
    ])
    func aPlainChatRendersExactly(format: ProviderFormat, expected: String) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("Be brief.")], role: .system, to: "s1")
        try await temp.ledger.append([.text("Hi")], role: .user, to: "s1")
        try await temp.ledger.append([.text("Hello!")], role: .assistant, to: "s1")

        #expect(try await temp.ledger.context(for: "s1", format: format).body == expected)
    }

    @Test(arguments: ProviderFormat.allCases)
    func aSessionWithOnlyASystemPromptRendersAnEmptyHistory(format: ProviderFormat) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        #expect(try await temp.ledger.context(for: "s1", format: format).renderedSeqs == [])
        try await temp.ledger.append([.text("Be brief.")], role: .system, to: "s1")

        let context = try await temp.ledger.context(for: "s1", format: format)

        #expect(context.renderedSeqs == [1])
        #expect(!context.body.contains("continuing"))
        _ = try ParsedBody(context)
    }

    @Test(arguments: Engine.allCases) func contextsBuiltWhileTurnsCommitNeverSeeHalfATurn(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for turn in 0..<40 {
                    let calls = (0..<3).map { ToolCall(id: "call_\($0)", name: "f", arguments: #"{"turn":\#(turn)}"#) }
                    try await ledger.openTurn(in: "s1", calls: calls)
                    for call in calls.reversed() {
                        try await ledger.recordResult([.text("\(turn)")], for: call.id, in: "s1")
                    }
                    try await ledger.commitTurn(in: "s1")
                }
            }
            group.addTask {
                for index in 0..<40 {
                    // Every body passes the provider checks, and holds only whole turns of 4 entries.
                    let context = try await ledger.context(for: "s1", format: ProviderFormat.allCases[index % 4])
                    #expect((context.renderedSeqs.count - 2) % 4 == 0)
                }
            }
            try await group.waitForAll()
        }
    }

    @Test(arguments: Engine.allCases) func openAIChatHasOneToolMessagePerCallInCallOrderRightAfterItsCall(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)
        let messages = try ParsedBody(try await temp.ledger.context(for: "s1", format: .openAIChat)).list("messages")

        #expect(
            messages.map { $0["role"] as? String } == [
                "system", "user", "assistant", "tool", "tool", "assistant",
                "user", "assistant", "tool", "tool", "assistant", "tool", "assistant",
            ])
        #expect(messages[2]["content"] is NSNull)
        let calls = try (messages[7]["tool_calls"] as? [[String: Any]]).orThrow()
        let functions = calls.compactMap { $0["function"] as? [String: Any] }
        #expect(functions.map { $0["arguments"] as? String } == [#"{"city":"東京", "n": 1.50}"#, #"{"path": "/tmp/x"#])
        #expect(messages[8...9].map { $0["tool_call_id"] as? String } == ["call_0", "call_1"])
        #expect(messages[8...9].map { $0["content"] as? String } == ["晴れ 12°C", ""])
        #expect(messages[4]["content"] as? String == "HTTP 403 Forbidden")
    }

    @Test(arguments: Engine.allCases) func openAIResponsesPairsCallsAndOutputsAndKeepsReasoningBeforeItsItems(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)
        let items = try ParsedBody(try await temp.ledger.context(for: "s1", format: .openAIResponses)).list("input")

        #expect(
            items.map { $0["type"] as? String } == [
                "message", "message", "function_call", "function_call", "function_call_output", "function_call_output",
                "message", "message", "reasoning", "message", "function_call", "function_call",
                "function_call_output", "function_call_output", "function_call", "function_call_output", "message",
            ])
        #expect(items[8]["encrypted_content"] as? String == "gAAA")
        #expect(items[12...13].map { $0["call_id"] as? String } == ["call_0", "call_1"])
    }

    @Test(arguments: Engine.allCases) func anthropicMergesResultsIntoTheNextUserMessageAndMarksErrors(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)
        let body = try ParsedBody(try await temp.ledger.context(for: "s1", format: .anthropic))
        let messages = body.list("messages")

        #expect(body.list("system").map { $0["text"] as? String } == ["You are a helpful assistant."])
        #expect(
            messages.map { $0["role"] as? String } == [
                "user", "assistant", "user", "assistant", "user", "assistant", "user", "assistant", "user", "assistant",
            ])
        let firstResults = try (messages[2]["content"] as? [[String: Any]]).orThrow()
        #expect(firstResults.map { $0["tool_use_id"] as? String } == [Fixtures.weather.id, Fixtures.wikipedia.id])
        #expect(firstResults.map { $0["is_error"] as? Bool } == [nil, true])
        let toolTurn = try (messages[5]["content"] as? [[String: Any]]).orThrow()
        #expect(toolTurn.map { $0["type"] as? String } == ["thinking", "text", "tool_use", "tool_use"])
        #expect((toolTurn[2]["input"] as? [String: Any])?["city"] as? String == "東京")
        #expect((toolTurn[3]["input"] as? [String: Any])?["raw_arguments"] as? String == #"{"path": "/tmp/x"#)
        let secondResults = try (messages[6]["content"] as? [[String: Any]]).orThrow()
        let texts = secondResults.compactMap { ($0["content"] as? [[String: Any]])?.first?["text"] as? String }
        #expect(texts == ["晴れ 12°C", "(empty result)"])
    }

    @Test(arguments: Engine.allCases) func anthropicPutsAUserMessageAfterResultsIntoTheSameMessageAfterThem(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        try await temp.ledger.recordResult([.text("-3")], for: Fixtures.weather.id, in: "s1")
        try await temp.ledger.commitTurn(in: "s1")
        try await temp.ledger.append([.text("Also Paris?")], role: .user, to: "s1")

        let messages = try ParsedBody(try await temp.ledger.context(for: "s1", format: .anthropic)).list("messages")

        #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "user"])
        let last = try (messages[2]["content"] as? [[String: Any]]).orThrow()
        #expect(last.map { $0["type"] as? String } == ["tool_result", "text"])
    }

    @Test(arguments: Engine.allCases) func anthropicKeepsThinkingFirstWhenTwoAssistantEntriesMerge(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.append([.text("Let me look.")], role: .assistant, to: "s1")
        try await temp.ledger.openTurn(
            in: "s1",
            parts: [.opaque(provider: "anthropic", json: #"{"type":"thinking","thinking":"…","signature":"sig"}"#)],
            calls: [Fixtures.weather])
        try await temp.ledger.recordResult([.text("-3")], for: Fixtures.weather.id, in: "s1")
        try await temp.ledger.commitTurn(in: "s1")

        let messages = try ParsedBody(try await temp.ledger.context(for: "s1", format: .anthropic)).list("messages")

        let assistant = try (messages[1]["content"] as? [[String: Any]]).orThrow()
        #expect(assistant.map { $0["type"] as? String } == ["thinking", "text", "tool_use"])
    }

    @Test(arguments: Engine.allCases) func geminiAnswersEachModelFunctionTurnWithOneResponsePerCall(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)
        let body = try ParsedBody(try await temp.ledger.context(for: "s1", format: .gemini))
        let contents = body.list("contents")

        #expect((body.object["systemInstruction"] as? [String: Any]) != nil)
        #expect(
            contents.map { $0["role"] as? String } == [
                "user", "model", "user", "model", "user", "model", "user", "model", "user", "model",
            ])
        let responses = try (contents[2]["parts"] as? [[String: Any]]).orThrow().compactMap {
            $0["functionResponse"] as? [String: Any]
        }
        #expect(responses.map { $0["name"] as? String } == ["fetch", "fetch"])
        #expect(responses.map { ($0["response"] as? [String: Any])?.keys.sorted() } == [["output"], ["error"]])
        let empty = try (contents[6]["parts"] as? [[String: Any]]).orThrow().compactMap {
            $0["functionResponse"] as? [String: Any]
        }
        #expect(
            empty.map { ($0["response"] as? [String: Any])?["output"] as? String } == ["晴れ 12°C", "(empty result)"])
    }
}
