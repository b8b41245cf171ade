import Foundation
import PostgresNIO

/// Purges on PostgreSQL: the one way rows leave the log, a whole session at a time, audited.
extension PostgresStore {
    /// Purges a session (and, with `includingForks`, its forks, deepest first) in one transaction.
    func purge(
        _ sessionID: String, in scope: TenantScope, reason: String, requestedBy: String, includingForks: Bool
    ) async throws -> [(PurgeRecord, SessionRef)] {
        try await write { connection in
            let session = try await session(connection, scope, sessionID, locking: true)
            let forks = try await connection.rows(
                """
                WITH RECURSIVE fork(key, level) AS (
                    SELECT key, 1 FROM session WHERE parentKey = \(session.key)
                    UNION ALL SELECT s.key, f.level + 1 FROM session s JOIN fork f ON s.parentKey = f.key)
                SELECT s.key, s.id FROM fork f JOIN session s ON s.key = f.key ORDER BY f.level DESC, s.id
                """, logger: logger
            ).map { row in
                let (key, id) = try row.decode((Int64, String).self)
                return SessionRef(key: key, id: id)
            }
            if !forks.isEmpty, !includingForks {
                throw LedgerError.sessionHasForks(sessionID: sessionID, forkIDs: forks.reversed().map(\.id))
            }
            let now = Timestamp.now()
            var records: [(PurgeRecord, SessionRef)] = []
            for purged in forks + [session] {
                records.append(
                    (try await purgeOne(connection, purged, reason: reason, requestedBy: requestedBy, at: now), purged))
            }
            return records
        }
    }

    /// Deletes one session's rows in the order the foreign keys need, inside a purge marker.
    private func purgeOne(
        _ connection: PostgresConnection, _ session: SessionRef, reason: String, requestedBy: String, at now: Date
    ) async throws -> PurgeRecord {
        let key = session.key
        let tenant = try await connection.firstRow("SELECT tenant FROM session WHERE key = \(key)", logger: logger)
            .map { try $0.decode(String?.self) } ?? nil
        _ = try await connection.rows("INSERT INTO purgeInProgress (sessionKey) VALUES (\(key))", logger: logger)
        var rows = 0
        for table in [
            "searchDoc", "logHash", "entryUsage", "toolCall", "toolResult", "entry", "openResult", "openCall", "openTurn",
        ] {
            rows += try await deleted(connection, "DELETE FROM \(table) WHERE sessionKey = $1 RETURNING 1", key)
        }
        rows += try await deleted(connection, "DELETE FROM session WHERE key = $1 RETURNING 1", key)
        _ = try await connection.rows("DELETE FROM purgeInProgress WHERE sessionKey = \(key)", logger: logger)
        let record = PurgeRecord(
            sessionId: session.id, tenant: tenant, requestedBy: requestedBy, reason: reason, purgedAt: now,
            rowCount: rows)
        _ = try await connection.rows(
            """
            INSERT INTO purgeAudit (sessionId, tenant, requestedBy, reason, purgedAt, rowCount)
            VALUES (\(session.id), \(tenant), \(requestedBy), \(reason), \(Timestamp.format(now)), \(rows))
            """, logger: logger)
        return record
    }

    /// How many rows a `DELETE … WHERE … = $1 RETURNING 1` removed.
    private func deleted(_ connection: PostgresConnection, _ delete: String, _ key: Int64) async throws -> Int {
        var query = PostgresQuery(unsafeSQL: "WITH d AS (\(delete)) SELECT count(*) FROM d")
        _ = try query.bind(key)
        return try await connection.firstRow(query, logger: logger).map { try $0.decode(Int.self) } ?? 0
    }

    /// Every purge of the sessions in `scope`, oldest first.
    func purgeAudit(in scope: TenantScope) async throws -> [PurgeRecord] {
        try await read { connection in
            let condition = try scope.postgresCondition(on: "tenant")
            return try await connection.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT sessionId, tenant, requestedBy, reason, purgedAt, rowCount FROM purgeAudit
                        WHERE \(condition.sql) ORDER BY id
                        """, binds: condition.binds), logger: logger
            ).map { row in
                let (session, tenant, requestedBy, reason, purgedAt, rowCount) =
                    try row.decode((String, String?, String, String, String, Int).self)
                return PurgeRecord(
                    sessionId: session, tenant: tenant, requestedBy: requestedBy, reason: reason,
                    purgedAt: try Timestamp.parse(purgedAt).orInvalidRow("purgedAt"), rowCount: rowCount)
            }
        }
    }
}
