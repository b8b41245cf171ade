import Foundation
import Logging

extension Ledger {
    /// Records the result of one call of a session's open turn, durable when it returns.
    ///
    /// Results may arrive in any order and from concurrent tasks; each is its own transaction.
    /// A tool that failed is still answered: record its error text with `outcome: .error`.
    ///
    /// ```swift
    /// try await ledger.recordResult([.text("HTTP 403 Forbidden")], outcome: .error, for: "call_2", in: "s1")
    /// ```
    ///
    /// Recording the same result again (same outcome and parts) is a retry of a write that landed:
    /// it returns the stored result and writes nothing, also once the turn has been committed (as
    /// long as it is the session's newest turn with calls).
    ///
    /// - Throws: ``LedgerError/unknownCall(sessionID:callID:)`` when the open turn has no such call;
    ///   ``LedgerError/duplicateResult(sessionID:callID:)`` when the call has another result already
    ///   (the first is kept); ``LedgerError/noOpenTurn(sessionID:)``; ``LedgerError/sessionNotFound(_:)``.
    @discardableResult
    public func recordResult(
        _ parts: [ContentPart],
        outcome: ToolOutcome = .success,
        for callID: String,
        in sessionID: String
    ) async throws -> ToolResult {
        let pending = try PendingResult(parts, outcome: outcome, for: callID, configuration: configuration)
        let result = try await store.recordResult(pending, in: sessionID, scope: scope)
        logger.trace("recorded result", metadata: ["session": "\(sessionID)", "call": "\(callID)"])
        return result
    }

    /// A tool result checked and encoded outside the transaction, ready to be recorded.
    package struct PendingResult: Sendable {
        package var callID: String
        package var outcome: ToolOutcome
        package var parts: [ContentPart]
        package var encodedParts: String

        init(_ parts: [ContentPart], outcome: ToolOutcome, for callID: String, configuration: LedgerConfiguration)
            throws
        {
            try configuration.checkParts(parts)
            self.callID = callID
            self.outcome = outcome
            self.parts = parts
            self.encodedParts = PartsCodec.encode(parts)
        }
    }
}
