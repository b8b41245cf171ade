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

    /// Every assistant `tool_calls` message is followed by one `tool` message per call id, and a
    /// `tool` message only ever answers the calls just before it.
    static func check(_ body: JSONNode) throws {
        let messages = body["messages"]?.array ?? []
        var index = 0
        while index < messages.count {
            let message = messages[index]
            let role = message["role"]?.string ?? ""
            guard ["system", "developer", "user", "assistant", "tool"].contains(role) else {
                throw ProviderFormat.openAIChat.violation("roles", "messages[\(index)] has role '\(role)'")
            }
            if role == "tool" {
                throw ProviderFormat.openAIChat.violation(
                    "tool follows tool_calls",
                    "messages[\(index)] with role 'tool' must be a response to a preceding message with 'tool_calls'")
            }
            index += 1
            let callIds = (message["tool_calls"]?.array ?? []).compactMap { $0["id"]?.string }
            guard !callIds.isEmpty else { continue }
            var answered: [String] = []
            while index < messages.count, messages[index]["role"]?.string == "tool" {
                answered.append(messages[index]["tool_call_id"]?.string ?? "")
                index += 1
            }
            guard answered.sorted() == callIds.sorted() else {
                let missing = callIds.filter { !answered.contains($0) }
                throw ProviderFormat.openAIChat.violation(
                    "tool_calls answered",
                    "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                        + "'tool_call_id'. The following tool_call_ids did not have response messages: "
                        + missing.joined(separator: ", ")
                )
            }
        }
    }
}
