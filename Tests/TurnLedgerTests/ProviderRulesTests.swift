import Foundation
import Testing

@testable import TurnLedger

/// The builder's own checks refuse what the providers would answer with a 400.
@Suite struct ProviderRulesTests {
    private func message(_ role: String, _ members: [(key: String, value: JSONNode)] = []) -> JSONNode {
        .object([("role", .string(role))] + members)
    }

    private func rule(of error: any Error) -> String? {
        if case .contextRuleViolated(_, let rule, _) = error as? LedgerError { rule } else { nil }
    }

    @Test func openAIChatRefusesToolCallsFollowedByAUserMessage() {
        // The real failure: both results missing, the user spoke next.
        let call: (String) -> JSONNode = { id in
            .object([
                ("id", .string(id)), ("type", .string("function")),
                ("function", .object([("name", .string("fetch")), ("arguments", .string("{}"))])),
            ])
        }
        let body = JSONNode.object([
            (
                "messages",
                .array([
                    message("system", [("content", .string("..."))]),
                    message("user", [("content", .string("Какая погода в Москве? Также, кто такой Путин?"))]),
                    message(
                        "assistant",
                        [
                            ("content", .null),
                            (
                                "tool_calls",
                                .array([
                                    call("call_QzOp1AlcssaIq18co1gngSe8"), call("call_tKaDkhHGLPeg8gBmu8vuBZM1"),
                                ])
                            ),
                        ]),
                    message("user", [("content", .string("You attempted to help..."))]),
                ])
            )
        ])

        #expect(
            throws: LedgerError.contextRuleViolated(
                format: "openai-chat",
                rule: "tool_calls answered",
                detail: "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                    + "'tool_call_id'. The following tool_call_ids did not have response messages: "
                    + "call_QzOp1AlcssaIq18co1gngSe8, call_tKaDkhHGLPeg8gBmu8vuBZM1"
            )
        ) { try OpenAIChatRenderer.check(body) }
    }

    @Test func openAIChatRefusesAnOrphanToolMessage() throws {
        let body = JSONNode.object([
            (
                "messages",
                .array([
                    message("user", [("content", .string("Hi"))]),
                    message("tool", [("tool_call_id", .string("call_1")), ("content", .string("x"))]),
                ])
            )
        ])
        let error = #expect(throws: LedgerError.self) { try OpenAIChatRenderer.check(body) }
        #expect(rule(of: try #require(error)) == "tool follows tool_calls")
    }

    @Test func openAIResponsesRefusesACallWithoutOutputAndAnOutputWithoutCall() throws {
        let call = JSONNode.object([
            ("type", .string("function_call")), ("call_id", .string("c1")), ("name", .string("f")),
            ("arguments", .string("{}")),
        ])
        let output = JSONNode.object([
            ("type", .string("function_call_output")), ("call_id", .string("c9")), ("output", .string("x")),
        ])
        let user = JSONNode.object([
            ("type", .string("message")), ("role", .string("user")), ("content", .string("Hi")),
        ])
        let reasoning = JSONNode.raw(#"{"type":"reasoning","id":"rs_1","summary":[]}"#)

        let unanswered = #expect(throws: LedgerError.self) {
            try OpenAIResponsesRenderer.check(.object([("input", .array([user, call, user]))]))
        }
        #expect(rule(of: try #require(unanswered)) == "call has output")
        let orphan = #expect(throws: LedgerError.self) {
            try OpenAIResponsesRenderer.check(.object([("input", .array([user, output]))]))
        }
        #expect(rule(of: try #require(orphan)) == "output follows call")
        let lonelyReasoning = #expect(throws: LedgerError.self) {
            try OpenAIResponsesRenderer.check(.object([("input", .array([user, reasoning]))]))
        }
        #expect(rule(of: try #require(lonelyReasoning)) == "reasoning has its item")
    }

    @Test func anthropicRefusesUnansweredToolUseEmptyTextAndRepeatedRoles() throws {
        let text: (String) -> JSONNode = { .object([("type", .string("text")), ("text", .string($0))]) }
        let toolUse = JSONNode.object([
            ("type", .string("tool_use")), ("id", .string("toolu_1")), ("name", .string("f")), ("input", .raw("{}")),
        ])
        let cases: [([JSONNode], String)] = [
            (
                [
                    message("user", [("content", .array([text("Hi")]))]),
                    message("assistant", [("content", .array([toolUse]))]),
                    message("user", [("content", .array([text("no result")]))]),
                ], "tool_use answered"
            ),
            ([message("user", [("content", .array([text("")]))])], "no empty text"),
            (
                [
                    message("user", [("content", .array([text("a")]))]),
                    message("user", [("content", .array([text("b")]))]),
                ], "roles alternate"
            ),
            ([message("assistant", [("content", .array([text("a")]))])], "first message is the user's"),
            ([message("user", [("content", .array([]))])], "no empty content"),
        ]
        for (messages, expected) in cases {
            let error = #expect(throws: LedgerError.self) {
                try AnthropicRenderer.check(.object([("messages", .array(messages))]))
            }
            #expect(rule(of: try #require(error)) == expected)
        }
    }

    @Test func geminiRefusesAFunctionTurnWithTheWrongNumberOfResponses() throws {
        let call: (String) -> JSONNode = { id in
            .object([("functionCall", .object([("id", .string(id)), ("name", .string("f")), ("args", .raw("{}"))]))])
        }
        let response: (String) -> JSONNode = { id in
            .object([
                ("functionResponse", .object([("id", .string(id)), ("name", .string("f")), ("response", .raw("{}"))]))
            ])
        }
        let contents: [JSONNode] = [
            .object([("role", .string("user")), ("parts", .array([.object([("text", .string("Hi"))])]))]),
            .object([("role", .string("model")), ("parts", .array([call("a"), call("b")]))]),
            .object([("role", .string("user")), ("parts", .array([response("a")]))]),
        ]
        let error = #expect(throws: LedgerError.self) {
            try GeminiRenderer.check(.object([("contents", .array(contents))]))
        }
        #expect(rule(of: try #require(error)) == "function calls answered")
    }

    @Test(arguments: ProviderFormat.allCases)
    func theRealFailureWrittenTurnByTurnRendersWithBothResults(format: ProviderFormat) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)

        let context = try await temp.ledger.context(for: "s1", format: format)

        _ = try ParsedBody(context)
        #expect(context.body.contains("HTTP 403 Forbidden"))
        for id in [Fixtures.weather.id, Fixtures.wikipedia.id] {
            // Each id appears once in its call and once in its result.
            #expect(context.body.components(separatedBy: id).count - 1 == 2, "\(id)")
        }
    }

    @Test func theSerializerEscapesWhatJSONRequiresAndNothingElse() throws {
        let node = JSONNode.object([("k", .string("\"\\\n\r\t\u{08}\u{0C}\u{01}/é🌧️"))])
        #expect(node.text == #"{"k":"\"\\\n\r\t\b\f\u0001/é🌧️"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(node.text.utf8)) as? [String: String]
        #expect(parsed?["k"] == "\"\\\n\r\t\u{08}\u{0C}\u{01}/é🌧️")
    }
}
