import Testing

@testable import TurnLedger

/// A request body that breaks exactly one provider rule, for the builder's self-check.
struct BrokenBody: Sendable, CustomTestStringConvertible {
    var format: ProviderFormat
    var rule: String
    var json: String

    var testDescription: String { rule }

    private static let user = #"{"role":"user","content":"Hi"}"#
    private static func chatCalls(_ ids: String...) -> String {
        let calls = ids.map { #"{"id":"\#($0)","type":"function","function":{"name":"f","arguments":"{}"}}"# }
        return #"{"role":"assistant","content":null,"tool_calls":[\#(calls.joined(separator: ","))]}"#
    }
    private static func tool(_ id: String) -> String { #"{"role":"tool","tool_call_id":"\#(id)","content":"ok"}"# }
    private static func chat(_ messages: String...) -> String { #"{"messages":[\#(messages.joined(separator: ","))]}"# }

    private static let openAIChat: [BrokenBody] = [
        .init(format: .openAIChat, rule: "input/shape", json: #"{"input":[]}"#),
        .init(format: .openAIChat, rule: "oc/message-shape", json: chat(#""Hi""#)),
        .init(format: .openAIChat, rule: "oc/invalid-role", json: chat(#"{"role":"robot","content":"x"}"#)),
        .init(format: .openAIChat, rule: "oc/orphan-tool-message", json: chat(user, tool("c1"))),
        .init(
            format: .openAIChat, rule: "oc/missing-tool-response",
            json: chat(user, chatCalls("c1", "c2"), tool("c1"), user)),
        .init(format: .openAIChat, rule: "oc/missing-tool-response", json: chat(user, chatCalls("c1"))),
        .init(format: .openAIChat, rule: "oc/unknown-tool-call-id", json: chat(user, chatCalls("c1"), tool("c2"))),
        .init(
            format: .openAIChat, rule: "oc/duplicate-tool-response",
            json: chat(user, chatCalls("c1"), tool("c1"), tool("c1"))),
        .init(
            format: .openAIChat, rule: "oc/duplicate-tool-call-id", json: chat(user, chatCalls("c1", "c1"), tool("c1"))),
        .init(
            format: .openAIChat, rule: "oc/reused-tool-call-id",
            json: chat(user, chatCalls("c1"), tool("c1"), chatCalls("c1"), tool("c1"))),
        .init(
            format: .openAIChat, rule: "oc/arguments-not-string",
            json: chat(
                user,
                #"{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":{}}}]}"#
            )),
        .init(
            format: .openAIChat, rule: "oc/empty-tool-calls",
            json: chat(user, #"{"role":"assistant","content":"x","tool_calls":[]}"#)),
        .init(
            format: .openAIChat, rule: "oc/empty-function-name",
            json: chat(
                user,
                #"{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"","arguments":"{}"}}]}"#
            )),
        .init(
            format: .openAIChat, rule: "oc/tool-call-shape",
            json: chat(
                user,
                #"{"role":"assistant","tool_calls":[{"id":"c1","type":"web","function":{"name":"f","arguments":"{}"}}]}"#
            )),
        .init(format: .openAIChat, rule: "oc/null-content", json: chat(#"{"role":"user","content":null}"#)),
        .init(format: .openAIChat, rule: "oc/null-content", json: chat(user, #"{"role":"assistant"}"#)),
        .init(format: .openAIChat, rule: "oc/content-type", json: chat(#"{"role":"user","content":{"text":"Hi"}}"#)),
        .init(
            format: .openAIChat, rule: "oc/missing-tool-call-id",
            json: chat(user, chatCalls("c1"), #"{"role":"tool","content":"x"}"#)),
    ]

    private static let call = #"{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"}"#
    private static let output = #"{"type":"function_call_output","call_id":"c1","output":"ok"}"#
    private static let inputUser = #"{"type":"message","role":"user","content":[{"type":"input_text","text":"Hi"}]}"#
    private static let said = #"{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]}"#
    private static let reasoning = #"{"type":"reasoning","id":"rs_1","summary":[]}"#
    private static func input(_ items: String...) -> String { #"{"input":[\#(items.joined(separator: ","))]}"# }

    private static let openAIResponses: [BrokenBody] = [
        .init(format: .openAIResponses, rule: "input/shape", json: #"{"messages":[]}"#),
        .init(format: .openAIResponses, rule: "or/item-shape", json: input("1")),
        .init(format: .openAIResponses, rule: "or/item-shape", json: input(#"{"type":"message","role":"user"}"#)),
        .init(
            format: .openAIResponses, rule: "or/invalid-role",
            json: input(#"{"type":"message","role":"tool","content":"x"}"#)),
        .init(format: .openAIResponses, rule: "or/missing-output", json: input(inputUser, call)),
        .init(format: .openAIResponses, rule: "or/orphan-output", json: input(inputUser, output)),
        .init(format: .openAIResponses, rule: "or/output-before-call", json: input(inputUser, output, call)),
        .init(
            format: .openAIResponses, rule: "or/duplicate-item-id",
            json: input(inputUser, reasoning, said, reasoning, said)),
        .init(format: .openAIResponses, rule: "or/duplicate-call-id", json: input(inputUser, call, call, output)),
        .init(format: .openAIResponses, rule: "or/duplicate-output", json: input(inputUser, call, output, output)),
        .init(format: .openAIResponses, rule: "or/interleaved-items", json: input(inputUser, call, said, output)),
        .init(format: .openAIResponses, rule: "or/reasoning-without-following", json: input(inputUser, reasoning)),
        .init(
            format: .openAIResponses, rule: "or/reasoning-without-following",
            json: input(inputUser, reasoning, inputUser)),
        .init(
            format: .openAIResponses, rule: "or/assistant-content-type",
            json: input(
                inputUser, #"{"type":"message","role":"assistant","content":[{"type":"input_text","text":"x"}]}"#)),
        .init(
            format: .openAIResponses, rule: "or/call-shape",
            json: input(inputUser, #"{"type":"function_call","call_id":"c1","name":"f","arguments":{}}"#, output)),
        .init(
            format: .openAIResponses, rule: "or/call-shape",
            json: input(inputUser, call, #"{"type":"function_call_output","call_id":"c1"}"#)),
    ]

    private static func text(_ text: String) -> String { #"{"type":"text","text":"\#(text)"}"# }
    private static func use(_ id: String) -> String { #"{"type":"tool_use","id":"\#(id)","name":"f","input":{}}"# }
    private static func result(_ id: String) -> String {
        #"{"type":"tool_result","tool_use_id":"\#(id)","content":"ok"}"#
    }
    private static func said(_ role: String, _ blocks: String...) -> String {
        #"{"role":"\#(role)","content":[\#(blocks.joined(separator: ","))]}"#
    }
    private static func messages(_ messages: String...) -> String {
        #"{"messages":[\#(messages.joined(separator: ","))]}"#
    }
    private static let hi = said("user", text("Hi"))

    private static let anthropic: [BrokenBody] = [
        .init(format: .anthropic, rule: "input/shape", json: #"{"system":"x"}"#),
        .init(format: .anthropic, rule: "an/message-shape", json: messages(#""Hi""#)),
        .init(format: .anthropic, rule: "an/message-shape", json: messages(said("user", #""text""#))),
        .init(format: .anthropic, rule: "an/invalid-role", json: messages(said("system", text("x")))),
        .init(format: .anthropic, rule: "an/empty-content", json: messages(said("user"), said("assistant", text("x")))),
        .init(format: .anthropic, rule: "an/empty-text-block", json: messages(said("user", text("")))),
        .init(format: .anthropic, rule: "an/whitespace-text-block", json: messages(said("user", text(" \\n\\t")))),
        .init(format: .anthropic, rule: "an/first-message-not-user", json: messages(said("assistant", text("x")), hi)),
        .init(format: .anthropic, rule: "an/block-role", json: messages(said("user", use("t1")))),
        .init(format: .anthropic, rule: "an/block-role", json: messages(hi, said("assistant", result("t1")))),
        .init(
            format: .anthropic, rule: "an/tool-use-shape",
            json: messages(
                hi, said("assistant", #"{"type":"tool_use","id":"t1","name":"f","input":"{}"}"#),
                said("user", result("t1")))),
        .init(
            format: .anthropic, rule: "an/tool-use-shape",
            json: messages(
                hi, said("assistant", #"{"type":"tool_use","id":"t1","name":"","input":{}}"#),
                said("user", result("t1")))),
        .init(
            format: .anthropic, rule: "an/tool-use-id-pattern",
            json: messages(hi, said("assistant", use("functions.Bash:0")), said("user", result("functions.Bash:0")))),
        .init(
            format: .anthropic, rule: "an/tool-use-id-pattern",
            json: messages(hi, said("assistant", use("t1")), said("user", result("t 1")))),
        .init(
            format: .anthropic, rule: "an/duplicate-tool-use-id",
            json: messages(
                hi, said("assistant", use("t1")), said("user", result("t1")), said("assistant", use("t1")),
                said("user", result("t1")))),
        .init(
            format: .anthropic, rule: "an/tool-result-shape",
            json: messages(
                hi, said("assistant", use("t1")),
                said("user", #"{"type":"tool_result","tool_use_id":"t1","is_error":"yes"}"#))),
        .init(
            format: .anthropic, rule: "an/tool-result-shape",
            json: messages(hi, said("assistant", use("t1")), said("user", #"{"type":"tool_result","content":"ok"}"#))),
        .init(format: .anthropic, rule: "an/missing-tool-result", json: messages(hi, said("assistant", use("t1")), hi)),
        .init(format: .anthropic, rule: "an/missing-tool-result", json: messages(hi, said("assistant", use("t1")))),
        .init(
            format: .anthropic, rule: "an/content-after-tool-use",
            json: messages(hi, said("assistant", use("t1"), text("and")), said("user", result("t1")))),
        .init(
            format: .anthropic, rule: "an/content-after-tool-use",
            json: messages(hi, said("assistant", use("t1")), said("assistant", text("and")), said("user", result("t1")))
        ),
        .init(
            format: .anthropic, rule: "an/tool-result-not-first",
            json: messages(hi, said("assistant", use("t1")), said("user", text("first"), result("t1")))),
        .init(
            format: .anthropic, rule: "an/tool-result-not-first",
            json: messages(hi, said("assistant", use("t1")), hi, said("user", result("t1")))),
        .init(
            format: .anthropic, rule: "an/unexpected-tool-result",
            json: messages(hi, said("assistant", text("x")), said("user", result("t1")))),
        .init(
            format: .anthropic, rule: "an/unexpected-tool-result",
            json: messages(hi, said("assistant", use("t1")), said("user", result("t1"), result("t2")))),
        .init(
            format: .anthropic, rule: "an/duplicate-tool-result",
            json: messages(hi, said("assistant", use("t1")), said("user", result("t1"), result("t1")))),
    ]

    private static let callPart = #"{"functionCall":{"id":"a","name":"f","args":{}}}"#
    private static func responsePart(_ name: String = "f", id: String = "a") -> String {
        #"{"functionResponse":{"id":"\#(id)","name":"\#(name)","response":{"output":"ok"}}}"#
    }
    private static func turn(_ role: String, _ parts: String...) -> String {
        #"{"role":"\#(role)","parts":[\#(parts.joined(separator: ","))]}"#
    }
    private static func contents(_ contents: String...) -> String {
        #"{"contents":[\#(contents.joined(separator: ","))]}"#
    }
    private static let ask = turn("user", #"{"text":"Hi"}"#)

    private static let gemini: [BrokenBody] = [
        .init(format: .gemini, rule: "input/shape", json: #"{"messages":[]}"#),
        .init(format: .gemini, rule: "gm/content-shape", json: contents(#"{"role":"user"}"#)),
        .init(format: .gemini, rule: "gm/content-shape", json: contents(turn("user", #""Hi""#))),
        .init(format: .gemini, rule: "gm/invalid-role", json: contents(turn("function", #"{"text":"Hi"}"#))),
        .init(format: .gemini, rule: "gm/empty-parts", json: contents(turn("user"))),
        .init(format: .gemini, rule: "gm/empty-text", json: contents(turn("user", #"{"text":""}"#))),
        .init(
            format: .gemini, rule: "gm/call-turn-position",
            json: contents(
                ask, turn("model", #"{"text":"Let me look."}"#), turn("model", callPart), turn("user", responsePart()))),
        .init(
            format: .gemini, rule: "gm/call-turn-position",
            json: contents(turn("model", callPart), turn("user", responsePart()))),
        .init(
            format: .gemini, rule: "gm/response-turn-position",
            json: contents(ask, turn("model", #"{"text":"x"}"#), turn("user", responsePart()))),
        .init(
            format: .gemini, rule: "gm/response-count",
            json: contents(
                ask, turn("model", callPart, #"{"functionCall":{"id":"b","name":"f","args":{}}}"#),
                turn("user", responsePart()))),
        .init(format: .gemini, rule: "gm/response-count", json: contents(ask, turn("model", callPart), ask)),
        .init(
            format: .gemini, rule: "gm/mixed-call-response",
            json: contents(ask, turn("model", callPart, responsePart()))),
        .init(format: .gemini, rule: "gm/part-role", json: contents(turn("user", callPart))),
        .init(
            format: .gemini, rule: "gm/function-shape",
            json: contents(ask, turn("model", #"{"functionCall":{"name":"","args":{}}}"#), turn("user", responsePart()))
        ),
        .init(
            format: .gemini, rule: "gm/function-shape",
            json: contents(
                ask, turn("model", callPart), turn("user", #"{"functionResponse":{"name":"f","response":["ok"]}}"#))),
        .init(format: .gemini, rule: "gm/dangling-call", json: contents(ask, turn("model", callPart))),
        .init(
            format: .gemini, rule: "gm/response-mismatch",
            json: contents(ask, turn("model", callPart), turn("user", responsePart("g")))),
        .init(
            format: .gemini, rule: "gm/response-mismatch",
            json: contents(ask, turn("model", callPart), turn("user", responsePart(id: "z")))),
    ]

    static let all = openAIChat + openAIResponses + anthropic + gemini
}
