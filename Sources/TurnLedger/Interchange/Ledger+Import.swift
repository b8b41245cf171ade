import Foundation
import Logging

extension Ledger {
    /// Imports a whole history into a session, in one transaction: all of it or nothing.
    ///
    /// The session is created when it does not exist; otherwise the history is appended after
    /// its log. Each assistant message with tool calls becomes a committed turn, its results
    /// in call order. A history that breaks the pairing rules is refused before anything is
    /// written.
    ///
    /// - Parameters:
    ///   - json: An OpenAI Chat history (an array of messages, or `{"messages": [...]}`), or an
    ///     Anthropic Messages body (`{"system": ..., "messages": [...]}`).
    ///   - format: `.openAIChat` or `.anthropic`.
    /// - Returns: The entries written.
    /// - Throws: ``LedgerError/historyRejected(position:reason:unansweredCallIDs:)`` naming the message
    ///   and the unanswered call ids; ``LedgerError/invalidInput(field:reason:)``;
    ///   ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)``.
    @discardableResult
    public func importHistory(_ json: Data, format: ProviderFormat, into sessionID: String) async throws -> [Entry] {
        switch format {
        case .openAIChat: try await importSteps(OpenAIChatHistory.steps(from: json), into: sessionID)
        case .anthropic: try await importSteps(AnthropicHistory.steps(from: json), into: sessionID)
        case .openAIResponses, .gemini:
            throw LedgerError.invalidInput(
                field: "format", reason: "import reads openai-chat or anthropic, not \(format.rawValue)")
        }
    }

    /// Imports messages already decoded, as ``importHistory(_:format:into:)`` does for OpenAI Chat JSON.
    @discardableResult
    public func importHistory(_ messages: [OpenAIChatMessage], into sessionID: String) async throws -> [Entry] {
        try await importSteps(OpenAIChatHistory.steps(from: messages), into: sessionID)
    }

    private func importSteps(_ steps: [ImportedStep], into sessionID: String) async throws -> [Entry] {
        try configuration.checkIdentifier(sessionID, field: "id")
        let prepared = try steps.enumerated().map { index, step in try prepare(step, at: index) }
        let (entries, session) = try await store.importSteps(
            prepared, into: sessionID, in: scope, creatingIn: try scope.tenantForNewSession(nil))
        await announce(session.key)
        logger.debug("imported history", metadata: ["session": "\(sessionID)", "entries": "\(entries.count)"])
        return entries
    }

    /// A step of an imported history, checked and encoded outside the transaction.
    enum PreparedStep {
        case message(PendingMessage)
        case turn(
            parts: [ContentPart], encodedParts: String, calls: [ToolCall],
            results: [(ToolOutcome, [ContentPart], String)])
    }

    /// Checks and encodes a step outside the transaction; errors name the step.
    private func prepare(_ step: ImportedStep, at index: Int) throws -> PreparedStep {
        do {
            switch step {
            case .message(let role, let parts):
                return .message(try PendingMessage(parts, role: role, configuration: configuration))
            case .turn(let parts, let calls, let results):
                try configuration.checkCalls(calls)
                try configuration.checkParts(parts)
                return .turn(
                    parts: parts,
                    encodedParts: PartsCodec.encode(parts),
                    calls: calls,
                    results: results.map { ($0.outcome, $0.parts, PartsCodec.encode($0.parts)) }
                )
            }
        } catch LedgerError.invalidInput(let field, let reason) {
            throw LedgerError.invalidInput(field: "step \(index) \(field)", reason: reason)
        }
    }
}
