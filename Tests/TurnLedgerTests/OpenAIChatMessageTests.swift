import Foundation
import Testing
import TurnLedger

@Suite struct OpenAIChatMessageTests {
    private func decode(_ json: String) throws -> OpenAIChatMessage {
        try OpenAIChatMessage(json: Data(json.utf8))
    }

    @Test func contentMayBeAStringNullOrParts() throws {
        #expect(try decode(#"{"role":"user","content":"Hi"}"#).parts == [.text("Hi")])
        #expect(try decode(#"{"role":"assistant","content":null}"#).parts == [])
        let parts = try decode(
            """
            {"role":"user","content":[{"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}
            """
        ).parts
        #expect(parts == [.text("What is this?"), .image(url: "data:image/png;base64,iVBORw0KGgo=")])
    }

    @Test func toolCallsKeepTheirArgumentsAsTheModelWroteThem() throws {
        let message = try decode(
            """
            {"role":"assistant","content":"Checking.","tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"fetch","arguments":"{\\"url\\": \\"https://x\\" "}}]}
            """)
        #expect(message.role == .assistant)
        #expect(message.parts == [.text("Checking.")])
        #expect(message.toolCalls == [ToolCall(id: "call_1", name: "fetch", arguments: #"{"url": "https://x" "#)])
    }

    @Test func aToolMessageNamesItsCall() throws {
        let message = try decode(#"{"role":"tool","tool_call_id":"call_1","content":""}"#)
        #expect(message.toolCallId == "call_1")
        #expect(message.parts == [.text("")])
    }

    @Test(arguments: [
        (
            #"{"role":"narrator","content":"x"}"#,
            LedgerError.invalidInput(
                field: "role", reason: "'narrator' is not one of system, developer, user, assistant, tool")
        ),
        (#"{"content":"x"}"#, LedgerError.invalidInput(field: "role", reason: "is required")),
        (
            #"{"role":"tool","content":"x"}"#,
            LedgerError.invalidInput(field: "tool_call_id", reason: "a tool message must name its call")
        ),
        (
            #"{"role":"user","content":"x","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]}"#,
            LedgerError.invalidInput(field: "tool_calls", reason: "only an assistant message makes tool calls")
        ),
        (
            #"{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f"}}]}"#,
            LedgerError.invalidInput(field: "tool_calls[0].function.arguments", reason: "is required")
        ),
        (
            #"{"role":"user","content":42}"#,
            LedgerError.invalidInput(field: "content", reason: "must be a string, null or an array of parts")
        ),
        (
            #"{"role":"user","content":[{"type":"audio"}]}"#,
            LedgerError.invalidInput(
                field: "content[0]",
                reason: #"a part must be {"type":"text","text":…} or {"type":"image_url","image_url":{"url":…}}"#)
        ),
    ])
    func invalidMessagesNameTheField(json: String, error: LedgerError) {
        #expect(throws: error) { try decode(json) }
    }

    @Test func textThatIsNotJSONIsInvalidInput() {
        #expect(throws: LedgerError.self) { try decode("{not json") }
    }
}
