import Logging

extension Ledger {
    /// Appends a summary that stands in for the entries `covering` when a context is built.
    ///
    /// Compaction never deletes: the covered entries stay in the log and in ``entries(in:)``.
    /// The context builder renders the session's system/developer prefix, then its newest
    /// summary, then every entry after the summary's range.
    ///
    /// ```swift
    /// try await ledger.appendSummary([.text("The user asked about Moscow's weather; it is -3°C.")],
    ///                                covering: 2...9, to: "s1")
    /// ```
    ///
    /// - Parameter covering: Whole turns that are already in the log: the range may not start
    ///   or end between a call and its results.
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` for a range that is not in the log or
    ///   splits a turn; the errors of ``append(_:role:to:expectedSeq:idempotencyKey:)``.
    @discardableResult
    public func appendSummary(
        _ parts: [ContentPart],
        covering range: ClosedRange<Int>,
        role: Role = .user,
        to sessionID: String,
        idempotencyKey: String? = nil
    ) async throws -> Entry {
        let message = try PendingMessage(parts, role: role, summarizes: range, configuration: configuration)
        try configuration.checkIdempotencyKey(idempotencyKey)
        let (entry, session) = try await store.append(
            message, to: sessionID, in: scope, expectedSeq: nil, idempotencyKey: idempotencyKey)
        await announce(session.key)
        logger.debug("appended summary", metadata: ["session": "\(sessionID)", "seq": "\(entry.seq)"])
        return entry
    }

    /// Throws unless a summary may cover `range` in a log whose next seq is `next`, where `split`
    /// is the turn the range starts or ends inside of, if any.
    static func requireSummaryRange(_ range: ClosedRange<Int>, next: Int, split: ClosedRange<Int>?) throws {
        guard range.lowerBound >= 1, range.upperBound < next else {
            throw LedgerError.invalidInput(
                field: "covering",
                reason: "\(range.lowerBound)...\(range.upperBound) is not in the log, which ends at seq \(next - 1)"
            )
        }
        if let turn = split {
            throw LedgerError.invalidInput(
                field: "covering",
                reason: "the turn at seq \(turn.lowerBound) spans \(turn.lowerBound)...\(turn.upperBound); "
                    + "a summary must cover whole turns"
            )
        }
    }
}
