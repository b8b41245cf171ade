import Foundation
import PostgresNIO

/// Turns on PostgreSQL: staging a turn, recording its results, and sealing it into the log.
extension PostgresStore {
    /// Opens a turn in one transaction; `calls` are checked already.
    func openTurn(
        in sessionID: String, scope: TenantScope, parts: [ContentPart], encodedParts: String, calls: [ToolCall],
        expectedSeq: Int?, idempotencyKey: String?, usage: TokenUsage?
    ) async throws -> Turn {
        if let idempotencyKey { try Self.requireNoNUL(idempotencyKey, field: "idempotencyKey") }
        return try await write { connection in
            let session = try await self.session(connection, scope, sessionID, locking: true)
            return try await openTurn(
                in: session, connection, parts: parts, encodedParts: encodedParts, calls: calls,
                expectedSeq: expectedSeq, idempotencyKey: idempotencyKey, usage: usage)
        }
    }

    /// Opens a turn inside the caller's transaction, its session locked.
    func openTurn(
        in session: SessionRef, _ connection: PostgresConnection, parts: [ContentPart], encodedParts: String,
        calls: [ToolCall], expectedSeq: Int? = nil, idempotencyKey: String? = nil, usage: TokenUsage? = nil
    ) async throws -> Turn {
        let sessionID = session.id
        let staged = try await stagedTurn(connection, in: session)
        if let idempotencyKey {
            let original: Turn?
            if let staged, staged.record.idempotencyKey == idempotencyKey {
                original = staged.turn
            } else if let entry = try await entryRecord(connection, in: session, idempotencyKey: idempotencyKey) {
                original = try await committedTurn(connection, entry, in: session)
            } else {
                original = nil
            }
            if let original {
                guard original.parts == parts, original.calls == calls else {
                    throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
                }
                return original
            }
        }
        let next = try Ledger.placement(
            in: session, next: try await nextSeq(connection, in: session), openTurn: staged?.turn,
            expectedSeq: expectedSeq)
        let openedAt = Timestamp.now()
        try await connection.query(
            """
            INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt, usage)
            VALUES (\(session.key), \(next), \(encodedParts)::json, \(calls.count), \(idempotencyKey),
                \(Timestamp.format(openedAt)), \(try usage.map(JSONColumn.encode))::json)
            """, logger: logger)
        for (position, call) in calls.enumerated() {
            try await connection.query(
                """
                INSERT INTO openCall (sessionKey, position, callId, name, arguments)
                VALUES (\(session.key), \(position), \(call.id.postgresBytes), \(call.name.postgresBytes),
                    \(call.arguments.postgresBytes))
                """, logger: logger)
        }
        return Turn(
            sessionId: sessionID, seq: next, parts: parts, calls: calls, results: [], openedAt: openedAt,
            isCommitted: false, usage: usage)
    }

    /// Records one result of a session's open turn in one transaction.
    func recordResult(_ result: Ledger.PendingResult, in sessionID: String, scope: TenantScope) async throws
        -> ToolResult
    {
        try await write { connection in
            try await recordResult(result, in: self.session(connection, scope, sessionID, locking: true), connection)
        }
    }

    private func recordResult(_ result: Ledger.PendingResult, in session: SessionRef, _ connection: PostgresConnection)
        async throws -> ToolResult
    {
        try await recordResult(
            result.parts, encodedParts: result.encodedParts, outcome: result.outcome, for: result.callID, in: session,
            connection)
    }

    /// Records a result inside the caller's transaction, its session locked.
    func recordResult(
        _ parts: [ContentPart], encodedParts: String, outcome: ToolOutcome, for callID: String, in session: SessionRef,
        _ connection: PostgresConnection
    ) async throws -> ToolResult {
        let sessionID = session.id
        guard
            let position = try await connection.firstRow(
                "SELECT position FROM openCall WHERE sessionKey = \(session.key) AND callId = \(callID.postgresBytes)",
                logger: logger
            ).map({ try $0.decode(Int.self) })
        else {
            guard try await openTurnRecord(connection, in: session) != nil else {
                // A retry whose first attempt landed, and whose turn was committed since.
                if let landed = try await landedResult(connection, in: session, for: callID),
                    landed.outcome == outcome, landed.parts == encodedParts
                {
                    return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: landed.recordedAt)
                }
                throw LedgerError.noOpenTurn(sessionID: sessionID)
            }
            throw LedgerError.unknownCall(sessionID: sessionID, callID: callID)
        }
        let recordedAt = Timestamp.now()
        let inserted = try await connection.firstRow(
            """
            INSERT INTO openResult (sessionKey, position, outcome, parts, recordedAt)
            VALUES (\(session.key), \(position), \(outcome.rawValue), \(encodedParts)::json, \(Timestamp.format(recordedAt)))
            ON CONFLICT (sessionKey, position) DO NOTHING RETURNING position
            """, logger: logger)
        if inserted == nil {
            // The same result again is a retry of a write that landed: it returns the first.
            let stored = try await connection.firstRow(
                """
                SELECT \(unescaped: OpenResultRecord.postgresColumns) FROM openResult
                WHERE sessionKey = \(session.key) AND position = \(position)
                """, logger: logger
            ).map(OpenResultRecord.init)
            guard let stored, stored.outcome == outcome, stored.parts == encodedParts else {
                throw LedgerError.duplicateResult(sessionID: sessionID, callID: callID)
            }
            return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: stored.recordedAt)
        }
        return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: recordedAt)
    }

    /// The result for `callID` in the session's newest committed turn with calls, if any.
    private func landedResult(_ connection: PostgresConnection, in session: SessionRef, for callID: String)
        async throws -> ToolResultRecord?
    {
        try await connection.firstRow(
            """
            SELECT \(unescaped: ToolResultRecord.postgresColumns) FROM toolResult
            WHERE sessionKey = \(session.key) AND callId = \(callID.postgresBytes)
              AND turnSeq = (SELECT max(seq) FROM entry WHERE sessionKey = \(session.key) AND callCount > 0)
            """, logger: logger
        ).map(ToolResultRecord.init)
    }

    /// Commits a session's open turn; with `turnSeq`, as ``Ledger/commitTurn(in:turnSeq:)`` says.
    func commitTurn(
        in sessionID: String, scope: TenantScope, turnSeq: Int?, recording result: Ledger.PendingResult?
    ) async throws -> (Turn, SessionRef?) {
        try await write { connection in
            let session = try await self.session(connection, scope, sessionID, locking: true)
            if let result {
                if let turnSeq, let open = try await openTurnRecord(connection, in: session), open.seq != turnSeq {
                    throw LedgerError.seqConflict(sessionID: sessionID, expected: turnSeq, next: open.seq)
                }
                // Without an open turn, recording succeeds only for the very result already in the
                // newest committed turn: a retry of this commit, which landed.
                _ = try await recordResult(result, in: session, connection)
            }
            let staged = try await stagedTurn(connection, in: session)
            if result != nil, staged == nil {
                if let landed = try await newestCommittedTurn(connection, in: session),
                    turnSeq == nil || turnSeq == landed.seq
                {
                    return (landed, nil)
                }
                throw LedgerError.noOpenTurn(sessionID: sessionID)
            }
            if let turnSeq {
                guard let staged else {
                    if let entry = try await connection.firstRow(
                        """
                        SELECT \(unescaped: EntryRecord.postgresColumns) FROM entry
                        WHERE sessionKey = \(session.key) AND seq = \(turnSeq) AND callCount > 0
                        """, logger: logger
                    ).map(EntryRecord.init) {
                        return (try await committedTurn(connection, entry, in: session), nil)
                    }
                    throw LedgerError.noOpenTurn(sessionID: sessionID)
                }
                guard staged.record.seq == turnSeq else {
                    throw LedgerError.seqConflict(sessionID: sessionID, expected: turnSeq, next: staged.record.seq)
                }
            }
            guard let staged else { throw LedgerError.noOpenTurn(sessionID: sessionID) }
            return (try await seal(connection, staged), session)
        }
    }

    func cancelTurn(in sessionID: String, scope: TenantScope, reason: String) async throws -> (Turn, SessionRef) {
        try await close(as: .cancelled, saying: reason) { connection in
            let session = try await session(connection, scope, sessionID, locking: true)
            guard let staged = try await stagedTurn(connection, in: session) else {
                throw LedgerError.noOpenTurn(sessionID: sessionID)
            }
            return [staged]
        }[0]
    }

    func recover(_ sessionID: String?, in scope: TenantScope, idleSince: Date?) async throws -> [(Turn, SessionRef)] {
        try await close(as: .interrupted, saying: Ledger.interruptedResultText) { connection in
            let staged: [StagedTurn]
            if let sessionID {
                let session = try await session(connection, scope, sessionID, locking: true)
                staged = try await stagedTurn(connection, in: session).map { [$0] } ?? []
            } else {
                staged = try await stagedTurns(connection, in: scope)
            }
            return staged.filter { idleSince == nil || $0.turn.lastWrite <= idleSince! }
        }
    }

    func currentTurn(in sessionID: String, scope: TenantScope) async throws -> Turn? {
        try await read(session: sessionID, in: scope) { connection, session in
            try await openTurn(connection, in: session)
        }
    }

    func openTurns(in scope: TenantScope) async throws -> [Turn] {
        try await read { connection in try await stagedTurns(connection, in: scope).map(\.turn) }
    }

    /// Closes open turns in one transaction: every unanswered call gets an `outcome` result saying
    /// `text`. `which` picks the turns, read inside the transaction.
    func close(
        as outcome: ToolOutcome, saying text: String,
        _ which: (PostgresConnection) async throws -> [StagedTurn]
    ) async throws -> [(Turn, SessionRef)] {
        try await write { connection in
            var closed: [(Turn, SessionRef)] = []
            for staged in try await which(connection) {
                let (turn, records) = staged.closing(as: outcome, saying: text)
                for record in records {
                    try await connection.query(
                        """
                        INSERT INTO openResult (sessionKey, position, outcome, parts, recordedAt)
                        VALUES (\(record.sessionKey), \(record.position), \(record.outcome.rawValue),
                            \(record.parts)::json, \(Timestamp.format(record.recordedAt)))
                        """, logger: logger)
                }
                closed.append((try await seal(connection, turn), staged.session))
            }
            return closed
        }
    }

    /// Moves a fully answered staged turn into the log: results, calls and the assistant entry,
    /// checked against each other at COMMIT, then the staging rows go.
    func seal(_ connection: PostgresConnection, _ staged: StagedTurn) async throws -> Turn {
        let turn = staged.turn
        let open = staged.record
        let unanswered = turn.unansweredCallIds
        guard unanswered.isEmpty else {
            throw LedgerError.unansweredCalls(sessionID: turn.sessionId, callIDs: unanswered)
        }
        let key = open.sessionKey
        for statement: PostgresQuery in [
            "DELETE FROM openResult WHERE sessionKey = \(key)",
            "DELETE FROM openCall WHERE sessionKey = \(key)",
            "DELETE FROM openTurn WHERE sessionKey = \(key)",
        ] {
            try await connection.query(statement, logger: logger)
        }
        let usage = try open.tokenUsage()
        let entry = EntryRecord(
            sessionKey: key, seq: open.seq, role: .assistant, parts: open.parts, callCount: open.callCount,
            idempotencyKey: open.idempotencyKey, createdAt: open.openedAt)
        try await insert(entry, usage: usage, connection)
        for (position, call) in turn.calls.enumerated() {
            try await connection.query(
                """
                INSERT INTO toolCall (sessionKey, turnSeq, position, callId, name, arguments)
                VALUES (\(key), \(open.seq), \(position), \(call.id.postgresBytes), \(call.name.postgresBytes),
                    \(call.arguments.postgresBytes))
                """, logger: logger)
        }
        for result in staged.results {
            let call = result.position < turn.calls.count ? turn.calls[result.position] : nil
            try await connection.query(
                """
                INSERT INTO toolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt)
                VALUES (\(key), \(open.seq), \(result.position), \(call?.id.postgresBytes), \(result.outcome.rawValue),
                    \(result.parts)::json, \(Timestamp.format(result.recordedAt)))
                """, logger: logger)
        }
        let items = try LogItem.sealed(staged, entry: entry, usage: usage)
        try await extendLog(connection, staged.session, with: items)
        var committed = turn
        committed.isCommitted = true
        return committed
    }

    // MARK: Reading the staging area

    func openTurnRecord(_ connection: PostgresConnection, in session: SessionRef) async throws -> OpenTurnRecord? {
        try await connection.firstRow(
            "SELECT \(unescaped: OpenTurnRecord.postgresColumns) FROM openTurn WHERE sessionKey = \(session.key)",
            logger: logger
        ).map(OpenTurnRecord.init)
    }

    /// The open turn of a session with the results recorded so far, or nil.
    func openTurn(_ connection: PostgresConnection, in session: SessionRef) async throws -> Turn? {
        try await stagedTurn(connection, in: session)?.turn
    }

    func stagedTurn(_ connection: PostgresConnection, in session: SessionRef) async throws -> StagedTurn? {
        guard let record = try await openTurnRecord(connection, in: session) else { return nil }
        return try await stagedTurn(connection, record, in: session)
    }

    func stagedTurn(_ connection: PostgresConnection, _ record: OpenTurnRecord, in session: SessionRef) async throws
        -> StagedTurn
    {
        let calls = try await connection.rows(
            """
            SELECT \(unescaped: OpenCallRecord.postgresColumns) FROM openCall
            WHERE sessionKey = \(record.sessionKey) ORDER BY position
            """, logger: logger
        ).map(OpenCallRecord.init)
        let results = try await connection.rows(
            """
            SELECT \(unescaped: OpenResultRecord.postgresColumns) FROM openResult
            WHERE sessionKey = \(record.sessionKey) ORDER BY position
            """, logger: logger
        ).map(OpenResultRecord.init)
        return try StagedTurn(record, calls: calls, results: results, in: session)
    }

    /// Every staged turn of the sessions in `scope`, oldest first.
    func stagedTurns(_ connection: PostgresConnection, in scope: TenantScope) async throws -> [StagedTurn] {
        let condition = try scope.postgresCondition(on: "s.tenant")
        let rows = try await connection.rows(
            PostgresQuery(
                unsafeSQL: """
                    SELECT s.key, s.id FROM openTurn t JOIN session s ON s.key = t.sessionKey
                    WHERE \(condition.sql) ORDER BY t.openedAt, s.id, s.key
                    """, binds: condition.binds), logger: logger)
        var staged: [StagedTurn] = []
        for row in rows {
            let (key, id) = try row.decode((Int64, String).self)
            if let turn = try await stagedTurn(connection, in: SessionRef(key: key, id: id)) { staged.append(turn) }
        }
        return staged
    }

    /// The session's newest committed turn with calls in its own log, if any.
    private func newestCommittedTurn(_ connection: PostgresConnection, in session: SessionRef) async throws -> Turn? {
        guard
            let entry = try await connection.firstRow(
                """
                SELECT \(unescaped: EntryRecord.postgresColumns) FROM entry
                WHERE sessionKey = \(session.key) AND callCount > 0 ORDER BY seq DESC LIMIT 1
                """, logger: logger
            ).map(EntryRecord.init)
        else { return nil }
        return try await committedTurn(connection, entry, in: session)
    }

    /// The committed turn whose assistant entry is `entry`.
    func committedTurn(_ connection: PostgresConnection, _ entry: EntryRecord, in session: SessionRef) async throws
        -> Turn
    {
        let calls = try await connection.rows(
            """
            SELECT \(unescaped: ToolCallRecord.postgresColumns) FROM toolCall
            WHERE sessionKey = \(entry.sessionKey) AND turnSeq = \(entry.seq) ORDER BY position
            """, logger: logger
        ).map(ToolCallRecord.init)
        let results = try await connection.rows(
            """
            SELECT \(unescaped: ToolResultRecord.postgresColumns) FROM toolResult
            WHERE sessionKey = \(entry.sessionKey) AND turnSeq = \(entry.seq) ORDER BY position
            """, logger: logger
        ).map(ToolResultRecord.init)
        let usage = try await usages(connection, of: entry.sessionKey, seqs: entry.seq...entry.seq)[entry.seq]
        return try Turn.committed(entry, calls: calls, results: results, usage: usage, in: session)
    }
}
