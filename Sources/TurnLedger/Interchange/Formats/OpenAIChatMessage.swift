import Foundation

/// One message in OpenAI Chat Completions form, as agents and the CLI hand it over.
///
/// ```json
/// {"role": "assistant", "content": null,
///  "tool_calls": [{"id": "call_1", "type": "function",
///                  "function": {"name": "fetch", "arguments": "{\"url\":\"…\"}"}}]}
/// ```
/// `content` may be a string, null, or an array of `text` and `image_url` parts.
public struct OpenAIChatMessage: Sendable, Hashable {
    public var role: Role
    public var parts: [ContentPart]
    /// An assistant message's calls, `arguments` kept as the string the model produced.
    public var toolCalls: [ToolCall]
    /// A tool message's call.
    public var toolCallId: String?

    /// Creates a message from its parts.
    public init(role: Role, parts: [ContentPart], toolCalls: [ToolCall] = [], toolCallId: String? = nil) {
        self.role = role
        self.parts = parts
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
    }

    /// Decodes one message from JSON text.
    ///
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` naming the field that is wrong.
    public init(json: Data) throws {
        do {
            self = try JSONDecoder().decode(Wire.self, from: json).message()
        } catch let error as DecodingError {
            throw LedgerError.invalidInput(field: error.fieldPath(root: "message"), reason: error.reason)
        }
    }
}

extension OpenAIChatMessage: Decodable {
    /// Decodes one message; a message that decodes but breaks a rule (a tool message with no
    /// `tool_call_id`, an unknown role) throws ``LedgerError/invalidInput(field:reason:)``.
    public init(from decoder: any Decoder) throws {
        self = try Wire(from: decoder).message()
    }
}

extension OpenAIChatMessage {
    /// Decodes a history: a JSON array of messages, or an object with a `messages` array.
    ///
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` naming the message and field, e.g.
    ///   `messages[3].role`.
    public static func history(json: Data) throws -> [OpenAIChatMessage] {
        struct Envelope: Decodable { var messages: [Wire] }
        do {
            let wires: [Wire]
            if let envelope = try? JSONDecoder().decode(Envelope.self, from: json) {
                wires = envelope.messages
            } else {
                wires = try JSONDecoder().decode([Wire].self, from: json)
            }
            return try wires.enumerated().map { index, wire in
                do {
                    return try wire.message()
                } catch LedgerError.invalidInput(let field, let reason) {
                    throw LedgerError.invalidInput(field: "messages[\(index)].\(field)", reason: reason)
                }
            }
        } catch let error as DecodingError {
            let path = error.fieldPath(root: "")
            guard !path.isEmpty else {
                throw LedgerError.invalidInput(
                    field: "messages", reason: "must be an array of messages, or an object with a messages array")
            }
            throw LedgerError.invalidInput(field: "messages" + path, reason: error.reason)
        }
    }

    /// The message exactly as the API spells it.
    private struct Wire: Decodable {
        var role: String
        var content: Content?
        var tool_calls: [WireCall]?
        var tool_call_id: String?

        func message() throws -> OpenAIChatMessage {
            guard let role = Role(rawValue: role) else {
                throw LedgerError.invalidInput(
                    field: "role",
                    reason: "'\(role)' is not one of system, developer, user, assistant, tool"
                )
            }
            if role != .assistant, tool_calls?.isEmpty == false {
                throw LedgerError.invalidInput(
                    field: "tool_calls", reason: "only an assistant message makes tool calls")
            }
            if role == .tool, tool_call_id == nil {
                throw LedgerError.invalidInput(field: "tool_call_id", reason: "a tool message must name its call")
            }
            return OpenAIChatMessage(
                role: role,
                parts: content?.parts ?? [],
                toolCalls: (tool_calls ?? []).map {
                    ToolCall(id: $0.id, name: $0.function.name, arguments: $0.function.arguments)
                },
                toolCallId: tool_call_id
            )
        }
    }

    private struct WireCall: Decodable {
        struct Function: Decodable {
            var name: String
            var arguments: String
        }
        var id: String
        var function: Function
    }

    private enum Content: Decodable {
        case parts([ContentPart])

        struct Part: Decodable {
            struct ImageURL: Decodable { var url: String }
            var type: String
            var text: String?
            var image_url: ImageURL?
        }

        var parts: [ContentPart] {
            switch self {
            case .parts(let parts): parts
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .parts([.text(text)])
                return
            }
            guard let parts = try? container.decode([Part].self) else {
                throw LedgerError.invalidInput(field: "content", reason: "must be a string, null or an array of parts")
            }
            self = .parts(
                try parts.enumerated().map { index, part in
                    switch (part.type, part.text, part.image_url) {
                    case ("text", let text?, _): return .text(text)
                    case ("image_url", _, let image?): return .image(url: image.url)
                    default:
                        throw LedgerError.invalidInput(
                            field: "content[\(index)]",
                            reason:
                                #"a part must be {"type":"text","text":…} or "#
                                + #"{"type":"image_url","image_url":{"url":…}}"#
                        )
                    }
                })
        }
    }
}
