/// Anthropic Messages: `{"system": [...], "messages": [...]}`.
enum AnthropicRenderer {
    static func render(_ steps: [TranscriptStep]) -> JSONNode {
        var system: [JSONNode] = []
        var messages = MessageList()
        for step in steps {
            switch step {
            case .instruction(let entry) where messages.isEmpty:
                system += entry.visibleTexts.map(textBlock)
            case .instruction(let entry), .user(let entry):
                messages.append(role: "user", blocks: contentBlocks(entry))
            case .assistant(let entry, let results):
                if entry.role == .tool {
                    messages.append(role: "user", blocks: [resultBlock(entry)])
                    continue
                }
                var blocks = entry.opaqueJSON(for: .anthropic).map(JSONNode.raw)
                blocks += entry.visibleTexts.map(textBlock)
                blocks += entry.toolCalls.map { call in
                    .object([
                        ("type", .string("tool_use")),
                        ("id", .string(call.id)),
                        ("name", .string(call.name)),
                        (
                            "input",
                            JSONNode.object(fromJSON: call.arguments)
                                ?? .object([("raw_arguments", .string(call.arguments))])
                        ),
                    ])
                }
                messages.append(
                    role: "assistant", blocks: blocks.isEmpty ? [textBlock(Placeholder.emptyMessage)] : blocks)
                if !results.isEmpty {
                    messages.append(role: "user", blocks: results.map(resultBlock))
                }
            }
        }
        if let first = messages.messages.first, first.role != "user" {
            messages.messages.insert((role: "user", blocks: [textBlock(Placeholder.continuation)]), at: 0)
        }
        var body: [(key: String, value: JSONNode)] = []
        if !system.isEmpty { body.append(("system", .array(system))) }
        body.append(
            (
                "messages",
                .array(
                    messages.messages.map { message in
                        .object([("role", .string(message.role)), ("content", .array(message.blocks))])
                    })
            ))
        return .object(body)
    }

    /// Messages in order, merging consecutive messages of one role, as the API requires. When
    /// two assistant entries merge, verbatim blocks (thinking) stay ahead of text and tool use:
    /// with extended thinking the API wants an assistant message to start with its thinking.
    private struct MessageList {
        var messages: [(role: String, blocks: [JSONNode])] = []
        var isEmpty: Bool { messages.isEmpty }

        mutating func append(role: String, blocks: [JSONNode]) {
            guard messages.last?.role == role else {
                messages.append((role: role, blocks: blocks))
                return
            }
            let last = messages.count - 1
            let leadingRaw = blocks.prefix { if case .raw = $0 { true } else { false } }
            if role == "assistant", !leadingRaw.isEmpty {
                let insertAt = messages[last].blocks.prefix { if case .raw = $0 { true } else { false } }.count
                messages[last].blocks.insert(contentsOf: leadingRaw, at: insertAt)
                messages[last].blocks += blocks.dropFirst(leadingRaw.count)
            } else {
                messages[last].blocks += blocks
            }
        }
    }

    private static func contentBlocks(_ entry: Entry) -> [JSONNode] {
        let blocks = entry.parts.compactMap { part -> JSONNode? in
            switch part {
            case .text(let text): text.isVisible ? textBlock(text) : nil
            case .image(let url): imageBlock(url)
            case .opaque(let provider, let json):
                provider == ProviderFormat.anthropic.opaqueProvider && ProviderFormat.anthropic.carries(opaque: json)
                    ? .raw(json) : nil
            }
        }
        return blocks.isEmpty ? [textBlock(Placeholder.emptyMessage)] : blocks
    }

    private static func resultBlock(_ result: Entry) -> JSONNode {
        var content = result.parts.compactMap { part -> JSONNode? in
            switch part {
            case .text(let text): text.isVisible ? textBlock(text) : nil
            case .image(let url): imageBlock(url)
            case .opaque: nil
            }
        }
        if content.isEmpty { content = [textBlock(Placeholder.emptyResult)] }
        var members: [(key: String, value: JSONNode)] = [
            ("type", .string("tool_result")),
            ("tool_use_id", .string(result.toolCallId ?? "")),
            ("content", .array(content)),
        ]
        if result.isFailedResult { members.append(("is_error", .bool(true))) }
        return .object(members)
    }

    private static func textBlock(_ text: String) -> JSONNode {
        .object([("type", .string("text")), ("text", .string(text))])
    }

    private static func imageBlock(_ url: String) -> JSONNode {
        let source: JSONNode =
            switch MediaSource(url: url) {
            case .inline(let mediaType, let base64):
                .object([("type", .string("base64")), ("media_type", .string(mediaType)), ("data", .string(base64))])
            case .remote(let url):
                .object([("type", .string("url")), ("url", .string(url))])
            }
        return .object([("type", .string("image")), ("source", source)])
    }
}
