import Foundation
import GRDB

/// Sessions on SQLite: creating, naming, listing and paging them, and their usage.
extension SQLiteStore {
    func createSession(_ record: SessionRecord) async throws {
        try await write { db in
            var stored = record
            try stored.insert(db)
        }
    }

    func sessionRecord(_ scope: TenantScope, _ id: String) async throws -> SessionRecord? {
        try await read { db in try scope.optionalSession(db, id).map { try SessionRecord.fetch(db, $0) } }
    }

    func sessionRef(_ scope: TenantScope, _ id: String) async throws -> SessionRef {
        try await read { db in try scope.session(db, id) }
    }

    func listSessions(in scope: TenantScope) async throws -> [Session] {
        let filter = scope.sessionFilter
        return try await read { db in
            try SessionRecord.fetchAll(
                db,
                sql: SessionRecord.selection + " WHERE \(filter.sql) ORDER BY s.createdAt DESC, s.id DESC, s.key DESC",
                arguments: filter.arguments
            ).map { try $0.session() }
        }
    }

    func nextSeq(in sessionID: String, scope: TenantScope) async throws -> Int {
        try await read { db in try Self.nextSeq(db, in: scope.session(db, sessionID)) }
    }

    static func nextSeq(_ db: Database, in session: SessionRef) throws -> Int {
        let request = SQLRequest<Int>(
            sql: "SELECT seq FROM sessionNextSeq WHERE sessionKey = ?",
            arguments: [session.key],
            cached: true
        )
        guard let next = try request.fetchOne(db) else { throw LedgerError.sessionNotFound(session.id) }
        return next
    }

    /// The seq the next entry or open turn of `session` takes, checked as
    /// ``Ledger/placement(in:next:openTurn:expectedSeq:)`` checks it: from `position` when a
    /// ``WriteCursor`` knows the session has no open turn, else read from the file (an open turn
    /// is read for its error).
    static func placement(
        _ db: Database, in session: SessionRef, expectedSeq: Int?, at position: WriteCursor.Position? = nil
    ) throws -> Int {
        if let position, !position.turnOpen {
            return try Ledger.placement(in: session, next: position.next, openTurn: nil, expectedSeq: expectedSeq)
        }
        return try Ledger.placement(
            in: session, next: nextSeq(db, in: session), openTurn: loadOpenTurn(db, in: session),
            expectedSeq: expectedSeq)
    }

    func sessions(matching query: SessionQuery, cursor: SessionCursor?, in scope: TenantScope) async throws
        -> SessionPage
    {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let tenant = query.tenant {
            conditions.append("s.tenant = ?")
            arguments += [tenant]
        }
        // The listed time is never after the activity time, and a session listed before X is
        // active at or after X only when it is the last one listed before X (docs/schema.md,
        // "Activity"): each bound on the index is exact but for that one, which the view checks.
        if let since = query.activeSince {
            conditions.append(
                """
                a.lastActivityAt >= ? AND s.listedActivityAt >= coalesce(
                    (SELECT max(listedActivityAt) FROM session WHERE listedActivityAt < ?), ?)
                """)
            let since = Timestamp.format(since)
            arguments += [since, since, since]
        }
        if let before = query.activeBefore {
            conditions.append("a.lastActivityAt < ? AND s.listedActivityAt < ?")
            let before = Timestamp.format(before)
            arguments += [before, before]
        }
        for (key, value) in query.metadata.sorted(by: { $0.key < $1.key }) {
            conditions.append("json_extract(s.metadata, ?) IS json_extract(?, '$')")
            arguments += ["$.\"\(key)\"", try JSONColumn.encode(value)]
        }
        if let cursor {
            conditions.append("(s.listedActivityAt, s.id) < (?, ?)")
            arguments += [cursor.orderedBy, cursor.id]
        }
        if case .tenant = scope {
            conditions.append(scope.sessionFilter.sql)
            arguments += scope.sessionFilter.arguments
        }
        let sql = """
            SELECT \(SessionRecord.columns), a.lastActivityAt, s.listedActivityAt,
                (SELECT seq FROM sessionNextSeq WHERE sessionKey = s.key) - 1,
                EXISTS (SELECT 1 FROM openTurn WHERE sessionKey = s.key)
            FROM \(SessionRecord.joins) JOIN sessionActivity a ON a.sessionKey = s.key
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY s.listedActivityAt DESC, s.id DESC
            LIMIT \(query.limit + 1)
            """
        let filter = arguments
        return try await read { db in
            var summaries: [SessionSummary] = []
            var last: SessionCursor?
            let rows = try Row.fetchCursor(db, sql: sql, arguments: filter)
            while let row = try rows.next() {
                guard summaries.count < query.limit else {
                    return SessionPage(sessions: summaries, nextCursor: last?.encoded)
                }
                let record = try SessionRecord(row: row)
                let activity = try row.text(at: SessionRecord.columnCount)
                summaries.append(
                    SessionSummary(
                        session: try record.session(),
                        lastSeq: row[SessionRecord.columnCount + 2],
                        hasOpenTurn: row[SessionRecord.columnCount + 3],
                        lastActivityAt: try Timestamp.parse(activity).orInvalidRow("lastActivityAt"),
                        usage: try Self.usageTotals(db, sql: "WHERE sessionKey = ?", arguments: [record.key])
                    ))
                last = SessionCursor(orderedBy: try row.text(at: SessionRecord.columnCount + 1), id: record.id)
            }
            return SessionPage(sessions: summaries, nextCursor: nil)
        }
    }

    /// Sets every session's listed activity time to its activity time, after a write that set
    /// activity times out of order (an import gives sessions the times they were exported with):
    /// the listing order then holds again (docs/schema.md, "Activity"). It reads every session.
    static func listEveryoneAtTheirActivity(_ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE session SET listedActivityAt = a.lastActivityAt
                FROM sessionActivity a WHERE a.sessionKey = session.key AND a.lastActivityAt IS NOT session.listedActivityAt
                """)
    }

    func usageTotals(in scope: TenantScope, session sessionID: String?, tenant: String?) async throws -> UsageTotals {
        try await read { db in
            if let sessionID {
                return try Self.usageTotals(
                    db, sql: "WHERE sessionKey = ?", arguments: [scope.session(db, sessionID).key])
            }
            return try Self.usageTotals(
                db, sql: "WHERE sessionKey IN (SELECT key FROM session WHERE tenant IS ?)", arguments: [tenant])
        }
    }

    private static func usageTotals(_ db: Database, sql condition: String, arguments: StatementArguments) throws
        -> UsageTotals
    {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT count(*), coalesce(sum(inputTokens), 0), coalesce(sum(outputTokens), 0),
                        coalesce(sum(cachedTokens), 0), coalesce(sum(reasoningTokens), 0)
                    FROM entryUsage \(condition)
                    """),
            arguments: arguments)
        guard let row else { return UsageTotals() }
        return UsageTotals(
            entries: row[0], inputTokens: row[1], outputTokens: row[2], cachedTokens: row[3], reasoningTokens: row[4])
    }
}
