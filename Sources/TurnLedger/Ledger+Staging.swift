import Foundation
import GRDB

/// Reading and sealing the staging area, inside a caller's transaction.
extension Ledger {
    static func openTurnRecord(_ db: Database, in sessionID: String) throws -> OpenTurnRecord? {
        try SQLRequest<OpenTurnRecord>(
            sql: "SELECT \(OpenTurnRecord.selectedColumns) FROM openTurn WHERE sessionId = ?",
            arguments: [sessionID],
            cached: true
        ).fetchOne(db)
    }

    /// Every staged turn, oldest first.
    static func openTurnRecords(_ db: Database) throws -> [OpenTurnRecord] {
        try OpenTurnRecord.order(Column("openedAt"), Column("sessionId")).fetchAll(db)
    }

    /// The open turn of a session with its calls and the results recorded so far, or nil.
    static func loadOpenTurn(_ db: Database, in sessionID: String) throws -> Turn? {
        guard let record = try openTurnRecord(db, in: sessionID) else { return nil }
        return try loadOpenTurn(db, record)
    }

    static func loadOpenTurn(_ db: Database, _ record: OpenTurnRecord) throws -> Turn {
        let calls = try SQLRequest<OpenCallRecord>(
            sql: "SELECT \(OpenCallRecord.selectedColumns) FROM openCall WHERE sessionId = ? ORDER BY position",
            arguments: [record.sessionId],
            cached: true
        ).fetchAll(db)
        let results = try SQLRequest<OpenResultRecord>(
            sql: "SELECT \(OpenResultRecord.selectedColumns) FROM openResult WHERE sessionId = ? ORDER BY position",
            arguments: [record.sessionId],
            cached: true
        ).fetchAll(db)
        let callIds = Dictionary(uniqueKeysWithValues: calls.map { ($0.position, $0.callId) })
        return Turn(
            sessionId: record.sessionId,
            seq: record.seq,
            parts: try PartsCodec.decode(record.parts),
            calls: calls.map(\.call),
            // A result whose call is missing can only come from a raw writer without foreign
            // keys; it is skipped here, and `verify` reports it.
            results: try results.compactMap { result in
                guard let callId = callIds[result.position] else { return nil }
                return ToolResult(
                    callId: callId,
                    outcome: result.outcome,
                    parts: try PartsCodec.decode(result.parts),
                    recordedAt: result.recordedAt
                )
            },
            openedAt: record.openedAt,
            isCommitted: false,
            usage: try record.tokenUsage()
        )
    }

    /// Throws ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)`` when the session has an open turn.
    static func requireNoOpenTurn(_ db: Database, in sessionID: String) throws {
        if let turn = try loadOpenTurn(db, in: sessionID) {
            throw LedgerError.openTurnPending(
                sessionID: sessionID,
                seq: turn.seq,
                unansweredCallIDs: turn.unansweredCallIds
            )
        }
    }

    /// Records `parts` with `outcome` for every unanswered call of `turn`, then seals it.
    static func close(
        _ db: Database,
        _ staged: StagedTurn,
        as outcome: ToolOutcome,
        saying text: String
    ) throws -> Turn {
        let now = Timestamp.now()
        let parts = [ContentPart.text(text)]
        let encodedParts = PartsCodec.encode(parts)
        var turn = staged.turn
        for (position, call) in turn.calls.enumerated() where turn.unansweredCallIds.contains(call.id) {
            try OpenResultRecord(
                sessionId: turn.sessionId,
                position: position,
                outcome: outcome,
                parts: encodedParts,
                recordedAt: now
            ).insert(db)
            turn.results.append(ToolResult(callId: call.id, outcome: outcome, parts: parts, recordedAt: now))
        }
        let order = Dictionary(uniqueKeysWithValues: turn.calls.enumerated().map { ($1.id, $0) })
        turn.results.sort { order[$0.callId, default: 0] < order[$1.callId, default: 0] }
        return try seal(db, StagedTurn(record: staged.record, turn: turn))
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
            try db.cachedStatement(sql: sql).execute(arguments: [turn.sessionId])
        }
        try EntryRecord(
            sessionId: openTurn.sessionId,
            seq: openTurn.seq,
            role: .assistant,
            parts: openTurn.parts,
            callCount: openTurn.callCount,
            idempotencyKey: openTurn.idempotencyKey,
            createdAt: openTurn.openedAt
        ).insert(db)
        if let usage = try openTurn.tokenUsage() {
            try UsageRecord(sessionId: openTurn.sessionId, seq: openTurn.seq, usage: usage).insert(db)
        }
        try LogIndex.extend(db, openTurn.sessionId)
        var committed = turn
        committed.isCommitted = true
        return committed
    }

    /// Copy the staged results and calls into the log, then empty the staging area: the seal
    /// comes after, because no entry lands while a turn is open.
    private static let sealStatements = [
        """
        INSERT INTO toolResult (sessionId, turnSeq, position, callId, outcome, parts, recordedAt)
        SELECT r.sessionId, t.seq, r.position, c.callId, r.outcome, r.parts, r.recordedAt
        FROM openResult r
        JOIN openCall c ON c.sessionId = r.sessionId AND c.position = r.position
        JOIN openTurn t ON t.sessionId = r.sessionId
        WHERE r.sessionId = ?1
        ORDER BY r.position
        """,
        """
        INSERT INTO toolCall (sessionId, turnSeq, position, callId, name, arguments)
        SELECT c.sessionId, t.seq, c.position, c.callId, c.name, c.arguments
        FROM openCall c JOIN openTurn t ON t.sessionId = c.sessionId
        WHERE c.sessionId = ?1
        ORDER BY c.position
        """,
        "DELETE FROM openResult WHERE sessionId = ?1",
        "DELETE FROM openCall WHERE sessionId = ?1",
        "DELETE FROM openTurn WHERE sessionId = ?1",
    ]
}
