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

    func sessions(matching query: SessionQuery, cursor: SessionCursor?, in scope: TenantScope) async throws
        -> SessionPage
    {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let tenant = query.tenant {
            conditions.append("s.tenant = ?")
            arguments += [tenant]
        }
        if let since = query.activeSince {
            conditions.append("s.lastActivityAt >= ?")
            arguments += [Timestamp.format(since)]
        }
        if let before = query.activeBefore {
            conditions.append("s.lastActivityAt < ?")
            arguments += [Timestamp.format(before)]
        }
        for (key, value) in query.metadata.sorted(by: { $0.key < $1.key }) {
            conditions.append("json_extract(s.metadata, ?) IS json_extract(?, '$')")
            arguments += ["$.\"\(key)\"", try JSONColumn.encode(value)]
        }
        if let cursor {
            conditions.append("(s.lastActivityAt, s.id) < (?, ?)")
            arguments += [cursor.lastActivityAt, cursor.id]
        }
        if case .tenant = scope {
            conditions.append(scope.sessionFilter.sql)
            arguments += scope.sessionFilter.arguments
        }
        let sql = """
            SELECT \(SessionRecord.columns), s.lastActivityAt,
                (SELECT seq FROM sessionNextSeq WHERE sessionKey = s.key) - 1,
                EXISTS (SELECT 1 FROM openTurn WHERE sessionKey = s.key)
            FROM \(SessionRecord.joins)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY s.lastActivityAt DESC, s.id DESC
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
                        lastSeq: row[SessionRecord.columnCount + 1],
                        hasOpenTurn: row[SessionRecord.columnCount + 2],
                        lastActivityAt: try Timestamp.parse(activity).orInvalidRow("lastActivityAt"),
                        usage: try Self.usageTotals(db, sql: "WHERE sessionKey = ?", arguments: [record.key])
                    ))
                last = SessionCursor(lastActivityAt: activity, id: record.id)
            }
            return SessionPage(sessions: summaries, nextCursor: nil)
        }
    }

    func usageTotals(in scope: TenantScope, session sessionID: String?, tenant: String?) async throws -> UsageTotals {
        try await read { db in
            if let sessionID {
                return try Self.usageTotals(db, sql: "WHERE sessionKey = ?", arguments: [scope.session(db, sessionID).key])
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
