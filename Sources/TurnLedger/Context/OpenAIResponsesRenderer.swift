import Foundation

/// OpenAI Responses: `{"input": [...]}` items.
enum OpenAIResponsesRenderer {
    static func render(_ steps: [TranscriptStep]) -> JSONNode {
        var items: [JSONNode] = []
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
                items += entry.opaqueJSON(for: .openAIResponses).map(JSONNode.raw)
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

    /// Every `function_call` has one `function_call_output` after it, every output answers an
    /// earlier call, and a reasoning item is followed by an item of the same response.
    static func check(_ body: JSONNode) throws {
        let items = body["input"]?.array ?? []
        var pending: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let type = item["type"]?.string ?? rawType(item)
            switch type {
            case "function_call":
                let id = item["call_id"]?.string ?? ""
                pending[id] = index
            case "function_call_output":
                let id = item["call_id"]?.string ?? ""
                guard pending.removeValue(forKey: id) != nil else {
                    throw ProviderFormat.openAIResponses.violation(
                        "output follows call", "No tool call found for function call output with call_id \(id)")
                }
            case "reasoning":
                let next = items.indices.contains(index + 1) ? items[index + 1] : nil
                let nextRole = next?["role"]?.string
                guard let next, nextRole != "user", nextRole != "system", nextRole != "developer",
                    next["type"]?.string != "function_call_output"
                else {
                    throw ProviderFormat.openAIResponses.violation(
                        "reasoning has its item",
                        "input[\(index)] of type 'reasoning' was provided without its required following item")
                }
            default:
                if let id = pending.keys.sorted().first, item["type"]?.string == "message" {
                    throw ProviderFormat.openAIResponses.violation(
                        "call has output", "No tool output found for function call \(id)")
                }
            }
        }
        if let id = pending.keys.sorted().first {
            throw ProviderFormat.openAIResponses.violation(
                "call has output", "No tool output found for function call \(id)")
        }
    }

    /// The `type` of a verbatim item.
    private static func rawType(_ item: JSONNode) -> String {
        guard case .raw(let text) = item, let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return "" }
        return object["type"] as? String ?? ""
    }
}
