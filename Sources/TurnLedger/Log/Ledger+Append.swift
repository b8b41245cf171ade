import Foundation
import Logging

extension Ledger {
    /// Appends one message at the end of a session's log, in its own transaction.
    ///
    /// Tool results are not appended: they are recorded into an open turn with
    /// ``recordResult(_:outcome:for:in:)``. An assistant message that makes tool calls opens a
    /// turn with ``openTurn(in:parts:calls:expectedSeq:idempotencyKey:)``.
    ///
    /// ```swift
    /// try await ledger.append([.text("Hi")], role: .user, to: "s1")
    /// ```
    ///
    /// - Parameters:
    ///   - expectedSeq: When set, the append fails unless it lands at this seq.
    ///   - idempotencyKey: When set, a retry with the same key and content returns the entry
    ///     written the first time and writes nothing.
    ///   - usage: For an assistant message: the tokens its model call used, stored with it.
    /// - Throws: ``LedgerError/seqConflict(sessionID:expected:next:)`` when another writer appended first;
    ///   ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)`` while the session has an open turn;
    ///   ``LedgerError/idempotencyKeyReused(sessionID:key:)`` when the key was used for other content;
    ///   ``LedgerError/sessionNotFound(_:)``; ``LedgerError/invalidInput(field:reason:)``.
    @discardableResult
    public func append(
        _ parts: [ContentPart],
        role: Role,
        to sessionID: String,
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil,
        usage: TokenUsage? = nil
    ) async throws -> Entry {
        let message = try PendingMessage(parts, role: role, usage: usage, configuration: configuration)
        try configuration.checkExpectedSeq(expectedSeq)
        try configuration.checkIdempotencyKey(idempotencyKey)
        let (entry, session) = try await store.append(
            message, to: sessionID, in: scope, expectedSeq: expectedSeq, idempotencyKey: idempotencyKey)
        await announce(session.key)
        logger.trace("appended", metadata: ["session": "\(sessionID)", "seq": "\(entry.seq)"])
        return entry
    }

    /// A message checked and encoded outside the transaction, ready to be appended.
    struct PendingMessage {
        var role: Role
        var parts: [ContentPart]
        var encodedParts: String
        var summarizes: ClosedRange<Int>?
        var usage: TokenUsage?

        init(
            _ parts: [ContentPart], role: Role, summarizes: ClosedRange<Int>? = nil, usage: TokenUsage? = nil,
            configuration: LedgerConfiguration
        ) throws {
            if role == .tool {
                throw LedgerError.invalidInput(
                    field: "role",
                    reason: "tool results are recorded into an open turn, not appended"
                )
            }
            if parts.isEmpty && role != .assistant {
                throw LedgerError.invalidInput(field: "parts", reason: "a \(role.rawValue) message needs content")
            }
            try configuration.checkParts(parts)
            if usage != nil, role != .assistant {
                throw LedgerError.invalidInput(field: "usage", reason: "only an assistant message carries usage")
            }
            try configuration.checkUsage(usage)
            self.usage = usage
            self.role = role
            self.parts = parts
            self.encodedParts = PartsCodec.encode(parts)
            self.summarizes = summarizes
        }
    }
}
