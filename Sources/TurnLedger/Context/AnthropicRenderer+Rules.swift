extension AnthropicRenderer {
    /// The first message is the user's, roles alternate, no content is empty, and each
    /// assistant `tool_use` is answered by a `tool_result` at the start of the next message.
    static func check(_ body: JSONNode) throws {
        let messages = body["messages"]?.array ?? []
        // An empty history is valid here: the caller adds the new user message before sending.
        guard messages.isEmpty || messages.first?["role"]?.string == "user" else {
            throw ProviderFormat.anthropic.violation(
                "first message is the user's", "messages: the first message must use the user role")
        }
        var previousToolUses: [String] = []
        for (index, message) in messages.enumerated() {
            let role = message["role"]?.string ?? ""
            let blocks = message["content"]?.array ?? []
            if index > 0, messages[index - 1]["role"]?.string == role {
                throw ProviderFormat.anthropic.violation(
                    "roles alternate", "messages.\(index): roles must alternate between user and assistant")
            }
            guard !blocks.isEmpty else {
                throw ProviderFormat.anthropic.violation(
                    "no empty content", "messages.\(index): all messages must have non-empty content")
            }
            for block in blocks where block["type"]?.string == "text" && (block["text"]?.string ?? "").isEmpty {
                throw ProviderFormat.anthropic.violation(
                    "no empty text", "messages.\(index): text content blocks must be non-empty")
            }
            let results = blocks.prefix { $0["type"]?.string == "tool_result" }.map { $0["tool_use_id"]?.string ?? "" }
            let laterResults = blocks.dropFirst(results.count).filter { $0["type"]?.string == "tool_result" }
            let missing = previousToolUses.filter { !results.contains($0) }
            guard missing.isEmpty, laterResults.isEmpty else {
                throw ProviderFormat.anthropic.violation(
                    "tool_use answered",
                    "messages.\(index - 1): `tool_use` ids were found without `tool_result` blocks immediately after: "
                        + missing.joined(separator: ", ")
                        + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message"
                )
            }
            if let unexpected = results.first(where: { !previousToolUses.contains($0) }) {
                throw ProviderFormat.anthropic.violation(
                    "tool_result answers tool_use",
                    "messages.\(index): unexpected `tool_use_id` found in `tool_result` blocks: \(unexpected). "
                        + "Each `tool_result` block must have a corresponding `tool_use` block in the previous message"
                )
            }
            previousToolUses =
                role == "assistant"
                ? blocks.filter { $0["type"]?.string == "tool_use" }.map { $0["id"]?.string ?? "" }
                : []
        }
        if !previousToolUses.isEmpty {
            throw ProviderFormat.anthropic.violation(
                "tool_use answered",
                "messages.\(messages.count - 1): `tool_use` ids were found without `tool_result` blocks "
                    + "immediately after: "
                    + previousToolUses.joined(separator: ", ")
            )
        }
    }
}
