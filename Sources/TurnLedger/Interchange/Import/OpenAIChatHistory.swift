import Foundation

/// Reads an OpenAI Chat Completions history into paired steps.
enum OpenAIChatHistory {
    static func steps(from json: Data) throws -> [ImportedStep] {
        try steps(from: OpenAIChatMessage.history(json: json))
    }

    static func steps(from messages: [OpenAIChatMessage]) throws -> [ImportedStep] {
        var steps: [ImportedStep] = []
        var index = 0
        while index < messages.count {
            let message = messages[index]
            let position = index
            index += 1
            if message.role == .tool {
                throw LedgerError.historyRejected(
                    position: "messages[\(position)]",
                    reason:
                        "the tool message answers '\(message.toolCallId ?? "")', "
                        + "which no assistant message just before it called",
                    unansweredCallIDs: []
                )
            }
            guard message.role == .assistant, !message.toolCalls.isEmpty else {
                steps.append(.message(role: message.role, parts: message.parts))
                continue
            }
            var answers: [String: [ContentPart]] = [:]
            while index < messages.count, messages[index].role == .tool {
                let id = messages[index].toolCallId ?? ""
                guard message.toolCalls.contains(where: { $0.id == id }), answers[id] == nil else {
                    throw LedgerError.historyRejected(
                        position: "messages[\(index)]",
                        reason: answers[id] == nil
                            ? "the tool message answers '\(id)', which messages[\(position)] did not call"
                            : "a second tool message answers '\(id)'",
                        unansweredCallIDs: []
                    )
                }
                answers[id] = messages[index].parts
                index += 1
            }
            let unanswered = message.toolCalls.map(\.id).filter { answers[$0] == nil }
            guard unanswered.isEmpty else {
                let next = index < messages.count ? "messages[\(index)] (\(messages[index].role.rawValue))" : "the end"
                throw LedgerError.historyRejected(
                    position: "messages[\(position)]",
                    reason: "the assistant message's tool_calls are not all answered before \(next)",
                    unansweredCallIDs: unanswered
                )
            }
            steps.append(
                .turn(
                    parts: message.parts,
                    calls: message.toolCalls,
                    results: message.toolCalls.map { (outcome: .success, parts: answers[$0.id] ?? []) }
                ))
        }
        return steps
    }
}
