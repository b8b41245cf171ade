import Foundation
import GRDB

/// Reading and sealing the staging area on SQLite, inside a caller's transaction.
extension SQLiteStore {
    static func openTurnRecord(_ db: Database, in session: SessionRef) throws -> OpenTurnRecord? {
        try SQLRequest<OpenTurnRecord>(
            sql: "SELECT \(OpenTurnRecord.selectedColumns) FROM openTurn WHERE sessionKey = ?",
            arguments: [session.key],
            cached: true
        ).fetchOne(db)
    }

    /// Every staged turn in `scope`, oldest first, with its session.
    static func openTurnRecords(_ db: Database, in scope: TenantScope) throws -> [(SessionRef, OpenTurnRecord)] {
        let filter = scope.sessionFilter
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(OpenTurnRecord.selectedColumns(prefix: "t")), s.id FROM openTurn t
                JOIN session s ON s.key = t.sessionKey
                WHERE \(filter.sql) ORDER BY t.openedAt, s.id, s.key
                """,
            arguments: filter.arguments)
        return try rows.map { row in
            let record = try OpenTurnRecord(row: row)
            return (SessionRef(key: record.sessionKey, id: try row.text(at: OpenTurnRecord.columnNames.count)), record)
        }
    }

    /// The open turn of a session with its calls and the results recorded so far, or nil.
    static func loadOpenTurn(_ db: Database, in session: SessionRef) throws -> Turn? {
        guard let record = try openTurnRecord(db, in: session) else { return nil }
        return try loadOpenTurn(db, record, in: session)
    }

    static func loadOpenTurn(_ db: Database, _ record: OpenTurnRecord, in session: SessionRef) throws -> Turn {
        let calls = try SQLRequest<OpenCallRecord>(
            sql: "SELECT \(OpenCallRecord.selectedColumns) FROM openCall WHERE sessionKey = ? ORDER BY position",
            arguments: [record.sessionKey],
            cached: true
        ).fetchAll(db)
        let results = try SQLRequest<OpenResultRecord>(
            sql: "SELECT \(OpenResultRecord.selectedColumns) FROM openResult WHERE sessionKey = ? ORDER BY position",
            arguments: [record.sessionKey],
            cached: true
        ).fetchAll(db)
        return try StagedTurn.turn(record, calls: calls, results: results, in: session)
    }

    /// Records `parts` with `outcome` for every unanswered call of `turn`, then seals it.
    static func close(
        _ db: Database,
        _ staged: StagedTurn,
        as outcome: ToolOutcome,
        saying text: String
    ) throws -> Turn {
        let (closed, records) = staged.closing(as: outcome, saying: text)
        for record in records { try record.insert(db) }
        return try seal(db, closed)
    }

    /// Moves a fully answered open turn into the log, in the order the triggers require:
    /// results, then calls, then the assistant entry that seals them.
    static func seal(_ db: Database, _ staged: StagedTurn) throws -> Turn {
        let turn = staged.turn
        let openTurn = staged.record
        let unanswered = turn.unansweredCallIds
        guard unanswered.isEmpty else {
            throw LedgerError.unansweredCalls(sessionID: turn.sessionId, callIDs: unanswered)
        }
        for sql in sealStatements {
            try db.cachedStatement(sql: sql).execute(arguments: [openTurn.sessionKey])
        }
        try emptyStaging(db, of: openTurn.sessionKey)
        try EntryRecord(
            sessionKey: openTurn.sessionKey,
            seq: openTurn.seq,
            role: .assistant,
            parts: openTurn.parts,
            callCount: openTurn.callCount,
            idempotencyKey: openTurn.idempotencyKey,
            createdAt: openTurn.openedAt
        ).insert(db)
        if let usage = try openTurn.tokenUsage() {
            try UsageRecord(sessionKey: openTurn.sessionKey, seq: openTurn.seq, usage: usage).insert(db)
        }
        try LogIndex.extend(db, staged.session)
        var committed = turn
        committed.isCommitted = true
        return committed
    }

    /// Empties a session's staging area: the open turn, its calls and the results recorded so far
    /// (a seal after copying them into the log, or a rewind that discards them).
    static func emptyStaging(_ db: Database, of sessionKey: Int64) throws {
        for sql in emptyStagingStatements {
            try db.cachedStatement(sql: sql).execute(arguments: [sessionKey])
        }
    }

    private static let emptyStagingStatements = [
        "DELETE FROM openResult WHERE sessionKey = ?",
        "DELETE FROM openCall WHERE sessionKey = ?",
        "DELETE FROM openTurn WHERE sessionKey = ?",
    ]

    /// Copy the staged results and calls into the log (the staging area is emptied next, and the
    /// seal comes after, because no entry lands while a turn is open).
    private static let sealStatements = [
        """
        INSERT INTO toolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt)
        SELECT r.sessionKey, t.seq, r.position, c.callId, r.outcome, r.parts, r.recordedAt
        FROM openResult r
        JOIN openCall c ON c.sessionKey = r.sessionKey AND c.position = r.position
        JOIN openTurn t ON t.sessionKey = r.sessionKey
        WHERE r.sessionKey = ?1
        ORDER BY r.position
        """,
        """
        INSERT INTO toolCall (sessionKey, turnSeq, position, callId, name, arguments)
        SELECT c.sessionKey, t.seq, c.position, c.callId, c.name, c.arguments
        FROM openCall c JOIN openTurn t ON t.sessionKey = c.sessionKey
        WHERE c.sessionKey = ?1
        ORDER BY c.position
        """,
    ]
}
