import Foundation
import PostgresNIO

/// Listing sessions and totalling usage on PostgreSQL.
extension PostgresStore {
    /// One page of ``Ledger/sessions(matching:)``; the query is checked already.
    func sessions(matching query: SessionQuery, cursor: SessionCursor?, in scope: TenantScope) async throws
        -> SessionPage
    {
        var select = PostgresQuery(unsafeSQL: "")
        func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String { try select.bind(value) }
        var conditions: [String] = []
        if let tenant = query.tenant { conditions.append("s.tenant = \(try bind(tenant))") }
        if let since = query.activeSince { conditions.append("s.lastActivityAt >= \(try bind(Timestamp.format(since)))") }
        if let before = query.activeBefore {
            conditions.append("s.lastActivityAt < \(try bind(Timestamp.format(before)))")
        }
        for (key, value) in query.metadata.sorted(by: { $0.key < $1.key }) {
            conditions.append(
                "(s.metadata::jsonb -> \(try bind(key))) = \(try bind(try JSONColumn.encode(value)))::jsonb")
        }
        if let cursor {
            conditions.append("(s.lastActivityAt, s.id) < (\(try bind(cursor.orderedBy)), \(try bind(cursor.id)))")
        }
        if let scoped = try scope.postgresCondition(on: "s.tenant", binding: &select) { conditions.append(scoped) }
        select.sql = """
            SELECT s.key, s.id, s.tenant, s.metadata::text, s.createdAt, s.parentKey, p.id, s.parentSeq,
                s.lastActivityAt, (SELECT seq FROM sessionNextSeq WHERE sessionKey = s.key) - 1,
                EXISTS (SELECT 1 FROM openTurn WHERE sessionKey = s.key)
            FROM session s LEFT JOIN session p ON p.key = s.parentKey
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY s.lastActivityAt DESC, s.id DESC
            LIMIT \(query.limit + 1)
            """
        return try await read { connection in
            var summaries: [SessionSummary] = []
            var last: SessionCursor?
            for row in try await connection.rows(select, logger: logger) {
                guard summaries.count < query.limit else { return SessionPage(sessions: summaries, nextCursor: last?.encoded) }
                let (key, id, tenant, metadata, createdAt, parentKey, parentID, parentSeq, activity, lastSeq, open) =
                    try row.decode(
                        (Int64, String, String?, String, String, Int64?, String?, Int?, String, Int, Bool).self)
                let record = SessionRecord(
                    id: id, tenant: tenant, metadata: metadata,
                    createdAt: try Timestamp.parse(createdAt).orInvalidRow("createdAt"),
                    parent: parentKey.flatMap { key in parentID.map { SessionRef(key: key, id: $0) } },
                    parentSeq: parentSeq)
                summaries.append(
                    SessionSummary(
                        session: try record.session(), lastSeq: lastSeq, hasOpenTurn: open,
                        lastActivityAt: try Timestamp.parse(activity).orInvalidRow("lastActivityAt"),
                        usage: try await usageTotals(connection, "WHERE sessionKey = \(key)")))
                last = SessionCursor(orderedBy: activity, id: id)
            }
            return SessionPage(sessions: summaries, nextCursor: nil)
        }
    }

    /// Every session in `scope`, newest first.
    func listSessions(in scope: TenantScope) async throws -> [Session] {
        try await read { connection in
            let condition = try scope.postgresCondition(on: "s.tenant")
            let query = PostgresQuery(
                unsafeSQL: """
                    SELECT s.id, s.tenant, s.metadata::text, s.createdAt, s.parentKey, p.id, s.parentSeq
                    FROM session s LEFT JOIN session p ON p.key = s.parentKey
                    WHERE \(condition.sql) ORDER BY s.createdAt DESC, s.id DESC, s.key DESC
                    """, binds: condition.binds)
            return try await connection.rows(query, logger: logger).map { row in
                let (id, tenant, metadata, createdAt, parentKey, parentID, parentSeq) =
                    try row.decode((String, String?, String, String, Int64?, String?, Int?).self)
                return try SessionRecord(
                    id: id, tenant: tenant, metadata: metadata,
                    createdAt: try Timestamp.parse(createdAt).orInvalidRow("createdAt"),
                    parent: parentKey.flatMap { key in parentID.map { SessionRef(key: key, id: $0) } },
                    parentSeq: parentSeq
                ).session()
            }
        }
    }

    /// The usage totals of one session, or of one tenant's sessions.
    func usageTotals(in scope: TenantScope, session sessionID: String?, tenant: String?) async throws -> UsageTotals {
        try await read { connection in
            if let sessionID {
                let key = try await session(connection, scope, sessionID, locking: false).key
                return try await usageTotals(connection, "WHERE sessionKey = \(key)")
            }
            let condition = try TenantScope.tenant(tenant).postgresCondition(on: "tenant")
            return try await usageTotals(
                connection,
                PostgresQuery(
                    unsafeSQL: "WHERE sessionKey IN (SELECT key FROM session WHERE \(condition.sql))",
                    binds: condition.binds))
        }
    }

    private func usageTotals(_ connection: PostgresConnection, _ condition: PostgresQuery) async throws -> UsageTotals {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT count(*), coalesce(sum(inputTokens), 0)::bigint, coalesce(sum(outputTokens), 0)::bigint,
                    coalesce(sum(cachedTokens), 0)::bigint, coalesce(sum(reasoningTokens), 0)::bigint
                FROM entryUsage \(condition.sql)
                """, binds: condition.binds)
        guard let row = try await connection.firstRow(query, logger: logger) else { return UsageTotals() }
        let (entries, input, output, cached, reasoning) = try row.decode((Int, Int, Int, Int, Int).self)
        return UsageTotals(
            entries: entries, inputTokens: input, outputTokens: output, cachedTokens: cached, reasoningTokens: reasoning)
    }
}
