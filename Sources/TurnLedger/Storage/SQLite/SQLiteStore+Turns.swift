import Foundation
import GRDB

/// Turns on SQLite: opening one, recording results, committing, cancelling and recovering.
extension SQLiteStore {
    func openTurn(
        in sessionID: String, scope: TenantScope, parts: [ContentPart], encodedParts: String, calls: [ToolCall],
        expectedSeq: Int?, idempotencyKey: String?, usage: TokenUsage?
    ) async throws -> Turn {
        try await writeUsingCursor { db, cursor in
            let session = try cursor.session(db, scope, sessionID)
            let position = cursor.position(of: session)
            let (turn, staging) = try Self.openTurn(
                db, in: session, parts: parts, encodedParts: encodedParts, calls: calls,
                expectedSeq: expectedSeq, idempotencyKey: idempotencyKey, usage: usage, at: position)
            // The session now has this open turn (opened here, or by the write a retry repeats), unless
            // a retry returned a committed one: then where its log stands is read next time.
            let head = position?.next == turn.seq ? position?.head : nil
            cursor.set(
                turn.isCommitted
                    ? nil : WriteCursor.Position(next: turn.seq, turnOpen: true, head: head, staging: staging),
                of: session)
            return turn
        }
    }

    /// Opens a turn inside the caller's transaction; `calls` are checked already.
    ///
    /// - Returns: The turn, and the rows it staged (nil for a retry that returns the turn a key
    ///   already wrote).
    static func openTurn(
        _ db: Database,
        in session: SessionRef,
        parts: [ContentPart],
        encodedParts: String,
        calls: [ToolCall],
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil,
        usage: TokenUsage? = nil,
        openedAt: Date = Timestamp.now(),
        at position: WriteCursor.Position? = nil
    ) throws -> (Turn, staging: WriteCursor.Staging?) {
        let sessionID = session.id
        if let idempotencyKey, let original = try turn(db, in: session, idempotencyKey: idempotencyKey) {
            guard original.parts == parts, original.calls == calls else {
                throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
            }
            return (original, nil)
        }
        let next = try placement(db, in: session, expectedSeq: expectedSeq, at: position)
        let record = OpenTurnRecord(
            sessionKey: session.key,
            seq: next,
            parts: encodedParts,
            callCount: calls.count,
            idempotencyKey: idempotencyKey,
            openedAt: openedAt,
            usage: try usage.map(JSONColumn.encode)
        )
        try record.insert(db)
        let callRecords = calls.enumerated().map { position, call in
            OpenCallRecord(
                sessionKey: session.key, position: position, callId: call.id, name: call.name,
                arguments: call.arguments)
        }
        for call in callRecords { try call.insert(db) }
        let turn = Turn(
            sessionId: sessionID,
            seq: next,
            parts: parts,
            calls: calls,
            results: [],
            openedAt: openedAt,
            isCommitted: false,
            usage: usage
        )
        return (turn, WriteCursor.Staging(record: record, calls: callRecords, results: []))
    }

    /// The turn written with this idempotency key, open or committed, or nil; an entry written
    /// by `append` with the key is returned as a turn without calls, which no retry matches.
    private static func turn(_ db: Database, in session: SessionRef, idempotencyKey: String) throws -> Turn? {
        if let open = try openTurnRecord(db, in: session), open.idempotencyKey == idempotencyKey {
            return try loadOpenTurn(db, open, in: session)
        }
        guard let entry = try entryRecord(db, in: session, idempotencyKey: idempotencyKey) else { return nil }
        return try committedTurn(db, entry, in: session)
    }

    static func committedTurn(_ db: Database, _ entry: EntryRecord, in session: SessionRef) throws -> Turn {
        let calls =
            try ToolCallRecord
            .filter(Column("sessionKey") == entry.sessionKey && Column("turnSeq") == entry.seq)
            .order(Column("position"))
            .fetchAll(db)
        let results =
            try ToolResultRecord
            .filter(Column("sessionKey") == entry.sessionKey && Column("turnSeq") == entry.seq)
            .order(Column("position"))
            .fetchAll(db)
        return try Turn.committed(
            entry, calls: calls, results: results,
            usage: try UsageRecord.usages(db, in: entry.sessionKey, seqs: entry.seq...entry.seq)[entry.seq],
            in: session)
    }

    func recordResult(_ result: Ledger.PendingResult, in sessionID: String, scope: TenantScope) async throws
        -> ToolResult
    {
        try await writeUsingCursor { db, cursor in
            let session = try cursor.session(db, scope, sessionID)
            guard var position = cursor.position(of: session) else {
                return try Self.recordResult(db, result, in: session)
            }
            if var staging = position.staging, let recorded = try Self.recordResult(db, result, into: &staging) {
                position.staging = staging
                cursor.set(position, of: session)
                return recorded
            }
            // Recorded through the file (or refused there): its staged rows are read next time.
            position.staging = nil
            cursor.set(position, of: session)
            return try Self.recordResult(db, result, in: session)
        }
    }

    /// Records a result into the open turn whose staged rows a ``WriteCursor`` holds, when its
    /// call is one of them (the same bytes) without a result yet; nil, with nothing written,
    /// otherwise: the result is then recorded through the file, which says why it is refused, or
    /// which result a retry repeats.
    private static func recordResult(
        _ db: Database, _ result: Ledger.PendingResult, into staging: inout WriteCursor.Staging
    ) throws -> ToolResult? {
        guard let call = staging.calls.first(where: { $0.callId.utf8.elementsEqual(result.callID.utf8) }),
            !staging.results.contains(where: { $0.position == call.position })
        else { return nil }
        let record = OpenResultRecord(
            sessionKey: staging.record.sessionKey, position: call.position, outcome: result.outcome,
            parts: result.encodedParts, recordedAt: Timestamp.now())
        try record.insert(db)
        staging.results.append(record)
        staging.results.sort { $0.position < $1.position }
        return ToolResult(
            callId: result.callID, outcome: result.outcome, parts: result.parts, recordedAt: record.recordedAt)
    }

    private static func recordResult(_ db: Database, _ result: Ledger.PendingResult, in session: SessionRef) throws
        -> ToolResult
    {
        try recordResult(
            db, result.parts, encodedParts: result.encodedParts, outcome: result.outcome, for: result.callID,
            in: session)
    }

    /// Records a result inside the caller's transaction.
    static func recordResult(
        _ db: Database,
        _ parts: [ContentPart],
        encodedParts: String,
        outcome: ToolOutcome,
        for callID: String,
        in session: SessionRef
    ) throws -> ToolResult {
        let sessionID = session.id
        let position = try SQLRequest<Int>(
            sql: "SELECT position FROM openCall WHERE sessionKey = ? AND callId = CAST(? AS TEXT)",
            arguments: [session.key, Data(callID.utf8)],  // bytes: a call id may hold a NUL
            cached: true
        ).fetchOne(db)
        guard let position else {
            guard try openTurnRecord(db, in: session) != nil else {
                // A retry whose first attempt landed, and whose turn was committed since.
                if let landed = try landedResult(db, in: session, for: callID, outcome: outcome, parts: encodedParts) {
                    return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: landed)
                }
                throw LedgerError.noOpenTurn(sessionID: sessionID)
            }
            throw LedgerError.unknownCall(sessionID: sessionID, callID: callID)
        }
        let record = OpenResultRecord(
            sessionKey: session.key,
            position: position,
            outcome: outcome,
            parts: encodedParts,
            recordedAt: Timestamp.now()
        )
        do {
            try record.insert(db)
        } catch DatabaseError.SQLITE_CONSTRAINT_PRIMARYKEY {
            // The same result again is a retry of a write that landed: it returns the first.
            let stored = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT outcome, parts, recordedAt FROM openResult WHERE sessionKey = ? AND position = ?"),
                arguments: [session.key, position])
            if let recordedAt = try recordedAt(of: stored, ifItHolds: outcome, encodedParts) {
                return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: recordedAt)
            }
            throw LedgerError.duplicateResult(sessionID: sessionID, callID: callID)
        }
        return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: record.recordedAt)
    }

    /// When the session's newest committed turn holds this very result for `callID`, the time it
    /// was recorded.
    private static func landedResult(
        _ db: Database, in session: SessionRef, for callID: String, outcome: ToolOutcome, parts: String
    ) throws -> Date? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT outcome, parts, recordedAt FROM toolResult
                    WHERE sessionKey = ?1 AND callId = CAST(?2 AS TEXT)
                      AND turnSeq = (SELECT max(seq) FROM entry WHERE sessionKey = ?1 AND callCount > 0)
                    """),
            arguments: [session.key, Data(callID.utf8)])
        return try recordedAt(of: row, ifItHolds: outcome, parts)
    }

    /// The time in a stored result row (`outcome, parts, recordedAt`) when it holds this outcome
    /// and these encoded parts: the same result, sent again.
    private static func recordedAt(of row: Row?, ifItHolds outcome: ToolOutcome, _ parts: String) throws -> Date? {
        guard let row, row[0] == outcome.rawValue, try row.text(at: 1) == parts else { return nil }
        return Timestamp.parse(row[2])
    }

    func commitTurn(
        in sessionID: String, scope: TenantScope, turnSeq: Int?, recording result: Ledger.PendingResult?
    ) async throws -> (Turn, SessionRef?) {
        let (turn, session, step) = try await writeUsingCursor {
            (db: Database, cursor: WriteCursor) throws -> (Turn, SessionRef?, ChainStep?) in
            let session = try cursor.session(db, scope, sessionID)
            let position = cursor.position(of: session)
            let staged: StagedTurn
            if let cached = try Self.stagedTurn(db, position, in: session, turnSeq: turnSeq, recording: result) {
                staged = cached
            } else {
                guard let open = try Self.openTurnRecord(db, in: session) else {
                    if let result {
                        // Without an open turn, recording succeeds only for the very result already in
                        // the newest committed turn: a retry of this commit, which landed.
                        _ = try Self.recordResult(db, result, in: session)
                        if let landed = try Self.newestCommittedTurn(db, in: session),
                            turnSeq == nil || turnSeq == landed.seq
                        {
                            return (landed, nil, nil)
                        }
                    } else if let turnSeq, let landed = try Self.committedTurn(db, in: session, at: turnSeq) {
                        return (landed, nil, nil)
                    }
                    throw LedgerError.noOpenTurn(sessionID: sessionID)
                }
                if let turnSeq, open.seq != turnSeq {
                    throw LedgerError.seqConflict(sessionID: sessionID, expected: turnSeq, next: open.seq)
                }
                if let result { _ = try Self.recordResult(db, result, in: session) }
                staged = try Self.stagedTurn(db, open, in: session)
            }
            let open = staged.record
            let sealed = try Self.seal(
                db, staged, knownHead: position?.next == open.seq ? position?.knownHead : nil)
            cursor.set(
                sealed.chain.map {
                    WriteCursor.Position(next: open.seq + open.callCount + 1, turnOpen: false, head: $0.after)
                }, of: session)
            return (sealed.turn, session, sealed.chain)
        }
        if let session, let step { historyCache.extend(session, with: turn.logEntries, chain: step) }
        return (turn, session)
    }

    /// The open turn to commit from the staged rows a ``WriteCursor`` holds, with `result`
    /// recorded into it; nil, with nothing written, when the cursor does not hold them or the
    /// result must be recorded through the file (the caller then reads the turn from the file).
    private static func stagedTurn(
        _ db: Database, _ position: WriteCursor.Position?, in session: SessionRef, turnSeq: Int?,
        recording result: Ledger.PendingResult?
    ) throws -> StagedTurn? {
        guard let position, position.turnOpen, var staging = position.staging else { return nil }
        if let turnSeq, staging.record.seq != turnSeq {
            throw LedgerError.seqConflict(sessionID: session.id, expected: turnSeq, next: staging.record.seq)
        }
        if let result, try recordResult(db, result, into: &staging) == nil { return nil }
        return try StagedTurn(staging.record, calls: staging.calls, results: staging.results, in: session)
    }

    func cancelTurn(in sessionID: String, scope: TenantScope, reason: String) async throws -> (Turn, SessionRef) {
        try await write { db in
            let session = try scope.session(db, sessionID)
            return (
                try Self.close(db, try Self.requireOpenTurn(db, in: session), as: .cancelled, saying: reason), session
            )
        }
    }

    func currentTurn(in sessionID: String, scope: TenantScope) async throws -> Turn? {
        try await read { db in
            try Self.loadOpenTurn(db, in: scope.session(db, sessionID))
        }
    }

    func openTurns(in scope: TenantScope) async throws -> [Turn] {
        try await read { db in
            try Self.openTurnRecords(db, in: scope).map { session, record in
                try Self.loadOpenTurn(db, record, in: session)
            }
        }
    }

    func recover(_ sessionID: String?, in scope: TenantScope, idleSince: Date?) async throws -> [(Turn, SessionRef)] {
        try await write { db in
            let records: [(SessionRef, OpenTurnRecord)]
            if let sessionID {
                let session = try scope.session(db, sessionID)
                records = try Self.openTurnRecord(db, in: session).map { [(session, $0)] } ?? []
            } else {
                records = try Self.openTurnRecords(db, in: scope)
            }
            return try records.compactMap { session, record -> (Turn, SessionRef)? in
                let staged = try Self.stagedTurn(db, record, in: session)
                if let idleSince, staged.turn.lastWrite > idleSince { return nil }
                let closed = try Self.close(db, staged, as: .interrupted, saying: Ledger.interruptedResultText)
                return (closed, session)
            }
        }
    }

    /// The committed turn whose assistant entry is at `seq` of the session's own log, if any.
    static func committedTurn(_ db: Database, in session: SessionRef, at seq: Int) throws -> Turn? {
        guard
            let entry = try SQLRequest<EntryRecord>(
                sql:
                    "SELECT \(EntryRecord.selectedColumns) FROM entry WHERE sessionKey = ? AND seq = ? AND callCount > 0",
                arguments: [session.key, seq], cached: true
            ).fetchOne(db)
        else { return nil }
        return try committedTurn(db, entry, in: session)
    }

    /// The session's newest committed turn with calls in its own log, if any.
    private static func newestCommittedTurn(_ db: Database, in session: SessionRef) throws -> Turn? {
        guard
            let entry = try SQLRequest<EntryRecord>(
                sql: """
                    SELECT \(EntryRecord.selectedColumns) FROM entry
                    WHERE sessionKey = ? AND callCount > 0 ORDER BY seq DESC LIMIT 1
                    """,
                arguments: [session.key], cached: true
            ).fetchOne(db)
        else { return nil }
        return try committedTurn(db, entry, in: session)
    }

    static func requireOpenTurn(_ db: Database, in session: SessionRef) throws -> StagedTurn {
        guard let record = try openTurnRecord(db, in: session) else {
            throw LedgerError.noOpenTurn(sessionID: session.id)
        }
        return try stagedTurn(db, record, in: session)
    }
}
