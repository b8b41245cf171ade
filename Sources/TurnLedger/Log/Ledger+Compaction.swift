import GRDB
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
        let entry: Entry
        let key: Int64
        if case .postgres(let store) = engine {
            let (appended, session) = try await store.append(
                message, to: sessionID, in: scope, expectedSeq: nil, idempotencyKey: idempotencyKey)
            (entry, key) = (appended, session.key)
        } else {
            (entry, key) = try await write { db in
                let session = try scope.session(db, sessionID)
                try Self.requireSummaryRange(
                    range, next: Self.nextSeq(db, in: session), split: Self.turnSplit(db, in: session, by: range))
                return (try Self.append(db, message, to: session, idempotencyKey: idempotencyKey), session.key)
            }
        }
        feed.announce(key)
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

    /// The seqs of a turn that `range` starts or ends inside of, if any, anywhere in the history
    /// the session reads: its own rows and, for a fork, its ancestors' up to the fork point.
    private static func turnSplit(_ db: Database, in session: SessionRef, by range: ClosedRange<Int>) throws
        -> ClosedRange<Int>?
    {
        for segment in try Lineage.of(db, session).segments {
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT seq, seq + callCount AS last FROM entry
                    WHERE sessionKey = ?1 AND seq BETWEEN ?4 AND ?5 AND callCount > 0
                      AND ((seq <= ?3 AND ?3 < seq + callCount) OR (seq < ?2 AND ?2 <= seq + callCount))
                    LIMIT 1
                    """,
                arguments: [
                    segment.owner, range.lowerBound, range.upperBound, segment.seqs.lowerBound,
                    segment.seqs.upperBound,
                ]
            )
            if let row { return (row["seq"] as Int)...(row["last"] as Int) }
        }
        return nil
    }
}
