/// OpenAI Responses: `{"input": [...]}` items.
enum OpenAIResponsesRenderer {
    static func render(_ steps: [TranscriptStep]) -> JSONNode {
        var items: [JSONNode] = []
        var itemIDs = Set<String>()
        for step in steps {
            switch step {
            case .instruction(let entry), .user(let entry):
                items.append(
                    .object([
                        ("type", .string("message")),
                        ("role", .string(entry.role.rawValue)),
                        ("content", .array(entry.parts.compactMap(inputPart))),
                    ]))
            case .assistant(let entry, let results):
                // Reasoning first: the API wants it right before the items it produced.
                // An item replayed twice (the same `id`) is refused (rule or/duplicate-item-id).
                for json in entry.opaqueJSON(for: .openAIResponses) {
                    if let id = JSONNode.raw(json).resolved["id"]?.string, !itemIDs.insert(id).inserted { continue }
                    items.append(.raw(json))
                }
                let texts = entry.parts.compactMap { part in if case .text(let text) = part { text } else { nil } }
                if !texts.isEmpty || (entry.toolCalls.isEmpty && entry.role == .assistant) {
                    items.append(
                        .object([
                            ("type", .string("message")),
                            ("role", .string("assistant")),
                            (
                                "content",
                                .array(
                                    (texts.isEmpty ? [""] : texts).map { text in
                                        .object([("type", .string("output_text")), ("text", .string(text))])
                                    })
                            ),
                        ]))
                }
                for call in entry.toolCalls {
                    items.append(
                        .object([
                            ("type", .string("function_call")),
                            ("call_id", .string(call.id)),
                            ("name", .string(call.name)),
                            ("arguments", .string(call.arguments)),
                        ]))
                }
                for result in (entry.role == .tool ? [entry] : []) + results {
                    items.append(
                        .object([
                            ("type", .string("function_call_output")),
                            ("call_id", .string(result.toolCallId ?? "")),
                            ("output", .string(result.resultText)),
                        ]))
                }
            }
        }
        return .object([("input", .array(items))])
    }

    private static func inputPart(_ part: ContentPart) -> JSONNode? {
        switch part {
        case .text(let text): .object([("type", .string("input_text")), ("text", .string(text))])
        case .image(let url): .object([("type", .string("input_image")), ("image_url", .string(url))])
        case .opaque: nil
        }
    }
}
