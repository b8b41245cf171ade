/// OpenAI Chat Completions: `{"messages": [...]}`.
enum OpenAIChatRenderer {
    static func render(_ steps: [TranscriptStep]) -> JSONNode {
        var messages: [JSONNode] = []
        for step in steps {
            switch step {
            case .instruction(let entry), .user(let entry):
                messages.append(.object([("role", .string(entry.role.rawValue)), ("content", content(of: entry))]))
            case .assistant(let entry, let results) where entry.role == .tool:
                messages.append(toolMessage(entry))
                results.forEach { messages.append(toolMessage($0)) }
            case .assistant(let entry, let results):
                let texts = entry.parts.compactMap { part in if case .text(let text) = part { text } else { nil } }
                var members: [(key: String, value: JSONNode)] = [("role", .string("assistant"))]
                switch texts.count {
                case 0: members.append(("content", entry.toolCalls.isEmpty ? .string("") : .null))
                case 1: members.append(("content", .string(texts[0])))
                default: members.append(("content", .array(texts.map(textPart))))
                }
                if !entry.toolCalls.isEmpty {
                    members.append(
                        (
                            "tool_calls",
                            .array(
                                entry.toolCalls.map { call in
                                    .object([
                                        ("id", .string(call.id)),
                                        ("type", .string("function")),
                                        (
                                            "function",
                                            .object([
                                                ("name", .string(call.name)), ("arguments", .string(call.arguments)),
                                            ])
                                        ),
                                    ])
                                })
                        ))
                }
                messages.append(.object(members))
                results.forEach { messages.append(toolMessage($0)) }
            }
        }
        return .object([("messages", .array(messages))])
    }

    private static func toolMessage(_ result: Entry) -> JSONNode {
        .object([
            ("role", .string("tool")),
            ("tool_call_id", .string(result.toolCallId ?? "")),
            ("content", .string(result.resultText)),
        ])
    }

    private static func content(of entry: Entry) -> JSONNode {
        if entry.parts.count == 1, case .text(let text) = entry.parts[0] { return .string(text) }
        return .array(
            entry.parts.compactMap { part in
                switch part {
                case .text(let text): textPart(text)
                case .image(let url):
                    .object([("type", .string("image_url")), ("image_url", .object([("url", .string(url))]))])
                case .opaque: nil
                }
            })
    }

    private static func textPart(_ text: String) -> JSONNode {
        .object([("type", .string("text")), ("text", .string(text))])
    }
}
