import Foundation
import Logging

extension Ledger {
    /// Opens a turn: stores an assistant message with its tool calls in the staging area.
    ///
    /// The turn reserves the session's next seq. Until it is committed, cancelled or
    /// recovered, nothing else can be appended to the session. Record each call's result
    /// with ``recordResult(_:outcome:for:in:)``, then ``commitTurn(in:)``.
    ///
    /// ```swift
    /// try await ledger.openTurn(in: "s1", calls: [
    ///     ToolCall(id: "call_1", name: "fetch", arguments: #"{"url":"https://example.com"}"#),
    ///     ToolCall(id: "call_2", name: "fetch", arguments: #"{"url":"https://example.org"}"#),
    /// ])
    /// ```
    ///
    /// - Parameters:
    ///   - parts: What the assistant said beside its calls, including provider-opaque data.
    ///   - calls: At least one; ids unique within the turn.
    ///   - idempotencyKey: When set, a retry with the same key and content returns the turn as it
    ///     stands now (open or committed) and writes nothing.
    ///   - usage: The tokens the model call used; stored with the assistant entry when the turn
    ///     is committed.
    /// - Throws: ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)``,
    ///   ``LedgerError/seqConflict(sessionID:expected:next:)``, ``LedgerError/idempotencyKeyReused(sessionID:key:)``,
    ///   ``LedgerError/sessionNotFound(_:)``, ``LedgerError/invalidInput(field:reason:)``.
    @discardableResult
    public func openTurn(
        in sessionID: String,
        parts: [ContentPart] = [],
        calls: [ToolCall],
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil,
        usage: TokenUsage? = nil
    ) async throws -> Turn {
        try configuration.checkCalls(calls)
        try configuration.checkUsage(usage)
        try configuration.checkParts(parts)
        try configuration.checkExpectedSeq(expectedSeq)
        try configuration.checkIdempotencyKey(idempotencyKey)
        let encodedParts = PartsCodec.encode(parts)
        let turn = try await store.openTurn(
            in: sessionID, scope: scope, parts: parts, encodedParts: encodedParts, calls: calls,
            expectedSeq: expectedSeq, idempotencyKey: idempotencyKey, usage: usage)
        logger.trace("opened turn", metadata: ["session": "\(sessionID)", "seq": "\(turn.seq)"])
        return turn
    }
}
