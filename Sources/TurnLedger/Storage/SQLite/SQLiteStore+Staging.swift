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
        try stagedTurn(db, record, in: session).turn
    }

    /// The staged turn whose `openTurn` row is `record`: its calls and results, read once.
    static func stagedTurn(_ db: Database, _ record: OpenTurnRecord, in session: SessionRef) throws -> StagedTurn {
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
        return try StagedTurn(record, calls: calls, results: results, in: session)
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
        return try seal(db, closed).turn
    }

    /// Moves a fully answered open turn into the log, in the order the triggers require:
    /// results, then calls, then the assistant entry that seals them. The rows are inserted from
    /// the staged values, and the hash chain is extended from those same values: nothing is read back.
    ///
    /// - Parameter knownHead: The chain's last seq and hash, when a ``WriteCursor`` knows them.
    /// - Returns: The committed turn, and how it moved the hash chain when the chain was extended
    ///   from those values.
    static func seal(_ db: Database, _ staged: StagedTurn, knownHead: (seq: Int, hash: Data)? = nil) throws
        -> (turn: Turn, chain: ChainStep?)
    {
        let turn = staged.turn
        let openTurn = staged.record
        let unanswered = turn.unansweredCallIds
        guard unanswered.isEmpty else {
            throw LedgerError.unansweredCalls(sessionID: turn.sessionId, callIDs: unanswered)
        }
        let key = openTurn.sessionKey
        for result in staged.results {
            let callID = result.position < turn.calls.count ? turn.calls[result.position].id : nil
            try db.cachedStatement(
                sql: """
                    INSERT INTO toolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt)
                    VALUES (?, ?, ?, CAST(? AS TEXT), ?, ?, ?)
                    """
            ).execute(arguments: [
                key, openTurn.seq, result.position, callID.map { Data($0.utf8) }, result.outcome.rawValue, result.parts,
                Timestamp.format(result.recordedAt),
            ])
        }
        for (position, call) in turn.calls.enumerated() {
            try db.cachedStatement(
                sql: """
                    INSERT INTO toolCall (sessionKey, turnSeq, position, callId, name, arguments)
                    VALUES (?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))
                    """
            ).execute(arguments: [
                key, openTurn.seq, position, Data(call.id.utf8), Data(call.name.utf8), Data(call.arguments.utf8),
            ])
        }
        try emptyStaging(db, of: key)
        let entry = EntryRecord(
            sessionKey: key,
            seq: openTurn.seq,
            role: .assistant,
            parts: openTurn.parts,
            callCount: openTurn.callCount,
            idempotencyKey: openTurn.idempotencyKey,
            createdAt: openTurn.openedAt
        )
        try entry.insert(db)
        let usage = try openTurn.tokenUsage()
        if let usage { try UsageRecord(sessionKey: key, seq: openTurn.seq, usage: usage).insert(db) }
        let step = try LogIndex.extend(
            db, staged.session, with: try LogItem.sealed(staged, entry: entry, usage: usage), knownHead: knownHead)
        var committed = turn
        committed.isCommitted = true
        return (committed, step)
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
}
