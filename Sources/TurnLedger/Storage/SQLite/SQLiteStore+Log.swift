import Foundation
import GRDB

/// The log on SQLite: appending a message or a summary, and rewinding.
extension SQLiteStore {
    func append(
        _ message: Ledger.PendingMessage, to sessionID: String, in scope: TenantScope, expectedSeq: Int?,
        idempotencyKey: String?
    ) async throws -> (Entry, SessionRef) {
        // One transaction: the checks and the insert see the same log.
        let (entry, session, step) = try await writeUsingCursor { db, cursor in
            let session = try cursor.session(db, scope, sessionID)
            let position = cursor.position(of: session)
            let (entry, step) = try Self.append(
                db, message, to: session, expectedSeq: expectedSeq, idempotencyKey: idempotencyKey, at: position)
            // Without a step (a retry, or a chain read back), where the log stands is read next time.
            cursor.set(
                step.map { WriteCursor.Position(next: entry.seq + 1, turnOpen: false, head: $0.after) }, of: session)
            return (entry, session, step)
        }
        if let step { historyCache.extend(session, with: [entry], chain: step) }
        return (entry, session)
    }

    /// Appends inside the caller's transaction.
    ///
    /// - Parameter position: Where the session's log stands, when a ``WriteCursor`` knows it: the
    ///   next seq, the open turn and the chain's head are then not read.
    /// - Returns: The entry, and how it moved the hash chain when this call wrote it and extended
    ///   the chain from it (nil for a retry that returns the entry a key already wrote).
    static func append(
        _ db: Database,
        _ message: Ledger.PendingMessage,
        to session: SessionRef,
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil,
        at position: WriteCursor.Position? = nil
    ) throws -> (Entry, chain: ChainStep?) {
        let sessionID = session.id
        if let range = message.summarizes {
            try Ledger.requireSummaryRange(
                range, next: nextSeq(db, in: session), split: turnSplit(db, in: session, by: range))
        }
        if let idempotencyKey, let original = try entryRecord(db, in: session, idempotencyKey: idempotencyKey) {
            guard original.holds(message) else {
                throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
            }
            var entry = try original.entry(calls: [], in: sessionID)
            entry.usage = try UsageRecord.usages(db, in: session.key, seqs: original.seq...original.seq)[original.seq]
            return (entry, nil)
        }
        let next = try placement(db, in: session, expectedSeq: expectedSeq, at: position)
        let record = EntryRecord(
            sessionKey: session.key,
            seq: next,
            role: message.role,
            parts: message.encodedParts,
            callCount: 0,
            idempotencyKey: idempotencyKey,
            createdAt: Timestamp.now(),
            summaryFrom: message.summarizes?.lowerBound,
            summaryTo: message.summarizes?.upperBound
        )
        try record.insert(db)
        if let usage = message.usage { try UsageRecord(sessionKey: session.key, seq: next, usage: usage).insert(db) }
        let step = try LogIndex.extend(
            db, session, with: [LogItem.appended(record, parts: message.parts, usage: message.usage)],
            knownHead: position?.knownHead)  // placed, so the session has no open turn
        var entry = try record.entry(calls: [], in: sessionID)
        entry.usage = message.usage
        return (entry, step)
    }

    static func entryRecord(_ db: Database, in session: SessionRef, idempotencyKey: String) throws -> EntryRecord? {
        try SQLRequest<EntryRecord>(
            sql: "SELECT \(EntryRecord.selectedColumns) FROM entry WHERE sessionKey = ? AND idempotencyKey = ?",
            arguments: [session.key, idempotencyKey],
            cached: true
        ).fetchOne(db)
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

    func rewind(
        _ sessionID: String, in scope: TenantScope, to seq: Int, expectedSeq: Int?, idempotencyKey: String?,
        discardingOpenTurn: Bool
    ) async throws -> (Entry, SessionRef) {
        let (entry, session, step) = try await write { db -> (Entry, SessionRef, ChainStep?) in
            let session = try scope.session(db, sessionID)
            if let idempotencyKey, let original = try Self.entryRecord(db, in: session, idempotencyKey: idempotencyKey)
            {
                guard original.rewindTo == seq else {
                    throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
                }
                return (try original.entry(calls: [], in: sessionID), session, nil)
            }
            if discardingOpenTurn { try Self.emptyStaging(db, of: session.key) }
            let next = try Self.placement(db, in: session, expectedSeq: expectedSeq)
            if seq >= 1 { try Self.requireWholeTurns(db, try Lineage.of(db, session), at: seq, field: "to") }
            let record = EntryRecord(
                sessionKey: session.key, seq: next, role: .user, parts: PartsCodec.encode([]), callCount: 0,
                idempotencyKey: idempotencyKey, createdAt: Timestamp.now(), rewindTo: seq)
            try record.insert(db)
            let step = try LogIndex.extend(db, session, with: [LogItem.appended(record, parts: [], usage: nil)])
            return (try record.entry(calls: [], in: sessionID), session, step)
        }
        if let step { historyCache.extend(session, with: [entry], chain: step) }
        return (entry, session)
    }
}
