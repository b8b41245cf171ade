import Foundation

/// Reads an Anthropic Messages history (`{"system": …, "messages": […]}`) into paired steps.
enum AnthropicHistory {
    static func steps(from json: Data) throws -> [ImportedStep] {
        guard let body = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw LedgerError.invalidInput(field: "body", reason: "must be a JSON object with a messages array")
        }
        guard let messages = body["messages"] as? [[String: Any]] else {
            throw LedgerError.invalidInput(field: "messages", reason: "must be an array of messages")
        }
        var steps: [ImportedStep] = []
        if let system = body["system"] {
            steps.append(.message(role: .system, parts: try textParts(system, field: "system")))
        }
        var pending: (position: Int, parts: [ContentPart], calls: [ToolCall])?
        for (index, message) in messages.enumerated() {
            let field = "messages[\(index)]"
            let blocks = try self.blocks(message["content"], field: "\(field).content")
            switch message["role"] as? String {
            case "user":
                let results = blocks.filter { $0["type"] as? String == "tool_result" }
                if let turn = pending {
                    steps.append(try answer(turn, with: results, at: index))
                    pending = nil
                } else if let stray = results.first {
                    throw LedgerError.historyRejected(
                        position: field,
                        reason:
                            "the tool_result for '\(stray["tool_use_id"] as? String ?? "")' "
                            + "follows no assistant tool_use",
                        unansweredCallIDs: []
                    )
                }
                let rest = blocks.filter { $0["type"] as? String != "tool_result" }
                if !rest.isEmpty {
                    steps.append(.message(role: .user, parts: try rest.map { try part($0, field: field) }))
                }
            case "assistant":
                if let turn = pending { throw unanswered(turn, before: "\(field) (assistant)") }
                var parts: [ContentPart] = []
                var calls: [ToolCall] = []
                for block in blocks {
                    if block["type"] as? String == "tool_use" {
                        calls.append(try call(block, field: field))
                    } else {
                        parts.append(try part(block, field: field))
                    }
                }
                if calls.isEmpty {
                    steps.append(.message(role: .assistant, parts: parts))
                } else {
                    pending = (index, parts, calls)
                }
            default:
                throw LedgerError.invalidInput(field: "\(field).role", reason: "must be user or assistant")
            }
        }
        if let turn = pending { throw unanswered(turn, before: "the end") }
        return steps
    }

    private static func answer(
        _ turn: (position: Int, parts: [ContentPart], calls: [ToolCall]),
        with results: [[String: Any]],
        at index: Int
    ) throws -> ImportedStep {
        var answers: [String: (outcome: ToolOutcome, parts: [ContentPart])] = [:]
        for result in results {
            let id = result["tool_use_id"] as? String ?? ""
            guard turn.calls.contains(where: { $0.id == id }), answers[id] == nil else {
                throw LedgerError.historyRejected(
                    position: "messages[\(index)]",
                    reason:
                        "the tool_result for '\(id)' answers no tool_use of messages[\(turn.position)], "
                        + "or answers it twice",
                    unansweredCallIDs: []
                )
            }
            let content = result["content"].map { try? textOrBlocks($0, field: "messages[\(index)]") } ?? []
            answers[id] = ((result["is_error"] as? Bool) == true ? .error : .success, content ?? [])
        }
        let missing = turn.calls.map(\.id).filter { answers[$0] == nil }
        guard missing.isEmpty else { throw unanswered(turn, before: "messages[\(index)] (user)", missing: missing) }
        return .turn(parts: turn.parts, calls: turn.calls, results: turn.calls.map { answers[$0.id] ?? (.success, []) })
    }

    private static func unanswered(
        _ turn: (position: Int, parts: [ContentPart], calls: [ToolCall]),
        before next: String,
        missing: [String]? = nil
    ) -> LedgerError {
        LedgerError.historyRejected(
            position: "messages[\(turn.position)]",
            reason: "the assistant message's tool_use blocks are not all answered by tool_result blocks before \(next)",
            unansweredCallIDs: missing ?? turn.calls.map(\.id)
        )
    }
}
