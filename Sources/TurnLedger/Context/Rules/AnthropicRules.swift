/// The error rules of the Anthropic Messages API that a body can be checked against
/// (`../shared/provider-rules.md`, section 3), plus `an/first-message-not-user`, a warning the
/// renderer avoids. The API merges consecutive messages of one role into one turn, so the
/// pairing rules apply to merged turns; locations name the original messages.
enum AnthropicRules {
    /// A block and where it sits in `messages`.
    private struct Block {
        var node: JSONNode
        var message: Int
        var index: Int
        var type: String { node["type"]?.string ?? "" }
    }

    private struct Turn {
        var role: String
        var firstMessage: Int
        var blocks: [Block]
    }

    static func check(_ body: JSONNode) throws {
        let rule = ProviderFormat.anthropic.violation
        // An empty list is a history prefix: the caller adds the new message (docs/providers.md).
        guard let messages = body.resolved["messages"]?.array else {
            throw rule("input/shape", "messages: Field required")
        }
        var turns: [Turn] = []
        var toolUseIDs: Set<String> = []
        for (n, node) in messages.enumerated() {
            let message = node.resolved
            guard message.kind == "object", let content = message["content"]?.resolved,
                ["string", "array"].contains(content.kind)
            else {
                throw rule(
                    "an/message-shape", "messages.\(n): a message is an object whose content is a string or a list")
            }
            let role = message["role"]?.string ?? ""
            guard role == "user" || role == "assistant" else {
                throw rule("an/invalid-role", "messages.\(n).role: Input should 'user' or 'assistant'")
            }
            let isFinalAssistant = n == messages.count - 1 && role == "assistant"
            if content.array?.isEmpty == true || content.string?.isEmpty == true, !isFinalAssistant {
                throw rule(
                    "an/empty-content",
                    "messages.\(n): all messages must have non-empty content except for the optional final assistant "
                        + "message"
                )
            }
            var blocks: [Block] = []
            for (m, blockNode) in (content.array ?? []).enumerated() {
                let block = Block(node: blockNode.resolved, message: n, index: m)
                try checkBlock(block, role: role, toolUseIDs: &toolUseIDs)
                blocks.append(block)
            }
            if turns.last?.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append(Turn(role: role, firstMessage: n, blocks: blocks))
            }
        }
        if let first = turns.first, first.role != "user" {
            throw rule("an/first-message-not-user", "messages: first message must use the \"user\" role")
        }
        for (t, turn) in turns.enumerated() {
            let previous =
                t > 0 && turns[t - 1].role == "assistant" ? turns[t - 1].blocks.filter { $0.type == "tool_use" } : []
            if turn.role == "assistant" {
                try checkToolUses(turn, next: turns.indices.contains(t + 1) ? turns[t + 1] : nil)
            } else {
                try checkToolResults(turn, answering: previous.compactMap { $0.node["id"]?.string })
            }
        }
    }

    private static func checkBlock(_ block: Block, role: String, toolUseIDs: inout Set<String>) throws {
        let rule = ProviderFormat.anthropic.violation
        let at = "messages.\(block.message).content.\(block.index)"
        guard block.node.kind == "object", block.node["type"]?.string != nil else {
            throw rule("an/message-shape", "\(at): a content block is an object with a type")
        }
        switch block.type {
        case "text":
            let text = block.node["text"]?.string ?? ""
            if text.isEmpty { throw rule("an/empty-text-block", "messages: text content blocks must be non-empty") }
            if !text.isVisible {
                throw rule("an/whitespace-text-block", "messages: text content blocks must contain non-whitespace text")
            }
        case "tool_use":
            guard role == "assistant" else {
                throw rule("an/block-role", "\(at): tool_use blocks belong in assistant messages")
            }
            guard let id = block.node["id"]?.string, block.node["name"]?.nonEmptyString != nil else {
                throw rule("an/tool-use-shape", "\(at).tool_use: id and a non-empty name are required")
            }
            guard block.node["input"]?.kind == "object" else {
                throw rule("an/tool-use-shape", "\(at).tool_use.input: Input should be a valid dictionary")
            }
            guard !id.isEmpty, id.allSatisfy(CallIDMapping.isAnthropicIDCharacter) else {
                throw rule(
                    "an/tool-use-id-pattern", "\(at).tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'")
            }
            guard toolUseIDs.insert(id).inserted else {
                throw rule("an/duplicate-tool-use-id", "\(at): `tool_use` ids must be unique")
            }
        case "tool_result":
            guard role == "user" else {
                throw rule("an/block-role", "\(at): tool_result blocks belong in user messages")
            }
            guard let id = block.node["tool_use_id"]?.string else {
                throw rule("an/tool-result-shape", "\(at).tool_result.tool_use_id: Field required")
            }
            if let flag = block.node["is_error"], flag.kind != "boolean" {
                throw rule("an/tool-result-shape", "\(at).tool_result.is_error: Input should be a valid boolean")
            }
            if let content = block.node["content"], !["string", "array"].contains(content.kind) {
                throw rule("an/tool-result-shape", "\(at).tool_result.content: Input should be a valid string or list")
            }
            guard !id.isEmpty, id.allSatisfy(CallIDMapping.isAnthropicIDCharacter) else {
                throw rule(
                    "an/tool-use-id-pattern",
                    "\(at).tool_result.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'")
            }
        default:
            break
        }
    }

    /// The tool uses of an assistant turn come last in it and are answered first in the next turn.
    private static func checkToolUses(_ turn: Turn, next: Turn?) throws {
        let rule = ProviderFormat.anthropic.violation
        guard let firstUse = turn.blocks.firstIndex(where: { $0.type == "tool_use" }) else { return }
        let uses = turn.blocks.filter { $0.type == "tool_use" }.compactMap { $0.node["id"]?.string }
        let at = next.map { "messages.\($0.firstMessage)" } ?? "messages.\(turn.blocks[firstUse].message)"
        func missing(_ ids: [String], _ ruleID: String) -> LedgerError {
            rule(
                ruleID,
                "\(at): `tool_use` ids were found without `tool_result` blocks immediately after: "
                    + ids.joined(separator: ", ")
                    + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
        }
        if let after = turn.blocks[firstUse...].firstIndex(where: { $0.type != "tool_use" }) {
            let cut = turn.blocks[firstUse..<after].compactMap { $0.node["id"]?.string }
            throw missing(cut, "an/content-after-tool-use")
        }
        let blocks = next?.blocks ?? []
        let leading = blocks.prefix { $0.type == "tool_result" }.compactMap { $0.node["tool_use_id"]?.string }
        let answered = Set(blocks.filter { $0.type == "tool_result" }.compactMap { $0.node["tool_use_id"]?.string })
        let unanswered = uses.filter { !answered.contains($0) }
        guard unanswered.isEmpty else { throw missing(unanswered, "an/missing-tool-result") }
        guard uses.allSatisfy(leading.contains) else {
            throw rule(
                "an/tool-result-not-first",
                "\(at): Did not find \(uses.count) `tool_result` block(s) at the beginning of this message. "
                    + "Messages following `tool_use` blocks must begin with a matching number of `tool_result` blocks.")
        }
    }

    /// Every tool result of a user turn answers a tool use of the assistant turn just before, once.
    private static func checkToolResults(_ turn: Turn, answering uses: [String]) throws {
        let rule = ProviderFormat.anthropic.violation
        var seen: Set<String> = []
        for block in turn.blocks where block.type == "tool_result" {
            let id = block.node["tool_use_id"]?.string ?? ""
            let at = "messages.\(block.message).content.\(block.index)"
            guard uses.contains(id) else {
                throw rule(
                    "an/unexpected-tool-result",
                    "\(at): unexpected `tool_use_id` found in `tool_result` blocks: \(id). "
                        + "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                )
            }
            guard seen.insert(id).inserted else {
                throw rule(
                    "an/duplicate-tool-result",
                    "\(at): each tool_use must have a single result. Found multiple `tool_result` blocks with id: \(id)"
                )
            }
        }
    }
}
