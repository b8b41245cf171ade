import Foundation
import GRDB

extension Ledger {
    /// Sessions matching `query`, newest activity first, one page at a time.
    ///
    /// ```swift
    /// var query = SessionQuery(tenant: "acme", metadata: ["channel": "slack"], limit: 20)
    /// repeat {
    ///     let page = try await ledger.sessions(matching: query)
    ///     show(page.sessions)
    ///     query.cursor = page.nextCursor
    /// } while query.cursor != nil
    /// ```
    ///
    /// Pages walk the `(tenant, lastActivityAt, id)` index: a page reads its own rows, whatever
    /// the number of sessions. A metadata filter is checked on the rows the index yields.
    ///
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` for a bad limit, cursor or key.
    public func sessions(matching query: SessionQuery) async throws -> SessionPage {
        guard (1...1000).contains(query.limit) else {
            throw LedgerError.invalidInput(field: "limit", reason: "must be 1...1000, not \(query.limit)")
        }
        let cursor = try query.cursor.map(SessionCursor.init)
        for key in query.metadata.keys.sorted() where key.isEmpty || key.contains("\"") || key.utf8.contains(0) {
            throw LedgerError.invalidInput(field: "metadata", reason: "key '\(key)' cannot be matched")
        }
        if case .postgres(let store) = engine { return try await store.sessions(matching: query, cursor: cursor, in: scope) }
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

    /// The token usage of a session's own entries.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func usageTotals(in sessionID: String) async throws -> UsageTotals {
        if case .postgres(let store) = engine {
            return try await store.usageTotals(in: scope, session: sessionID, tenant: nil)
        }
        return try await read { db in
            try Self.usageTotals(db, sql: "WHERE sessionKey = ?", arguments: [scope.session(db, sessionID).key])
        }
    }

    /// The token usage of every session of a tenant (nil: the sessions without a tenant).
    public func usageTotals(tenant: String?) async throws -> UsageTotals {
        try scope.requireReaches(tenant: tenant)
        if case .postgres(let store) = engine { return try await store.usageTotals(in: scope, session: nil, tenant: tenant) }
        return try await read { db in
            try Self.usageTotals(
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
