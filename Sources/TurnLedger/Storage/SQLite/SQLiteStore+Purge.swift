import Foundation
import GRDB

/// Purges on SQLite: the only deletes the log's triggers let through, and their audit.
extension SQLiteStore {
    func purge(
        _ sessionID: String, in scope: TenantScope, reason: String, requestedBy: String, includingForks: Bool
    ) async throws -> [(PurgeRecord, SessionRef)] {
        try await write { db in
            let session = try scope.session(db, sessionID)
            let forks = try Row.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE fork(key, level) AS (
                        SELECT key, 1 FROM session WHERE parentKey = ?
                        UNION ALL SELECT s.key, f.level + 1 FROM session s JOIN fork f ON s.parentKey = f.key)
                    SELECT s.key, s.id FROM fork f JOIN session s ON s.key = f.key ORDER BY f.level DESC, s.id
                    """,
                arguments: [session.key]
            ).map { SessionRef(key: $0[0], id: try $0.text(at: 1)) }
            if !forks.isEmpty, !includingForks {
                throw LedgerError.sessionHasForks(sessionID: sessionID, forkIDs: forks.reversed().map(\.id))
            }
            let now = Timestamp.now()
            let purged = forks + [session]
            return try purged.map { session in
                (try Self.purgeOne(db, session, reason: reason, requestedBy: requestedBy, at: now), session)
            }
        }
    }

    func purgeAudit(in scope: TenantScope) async throws -> [PurgeRecord] {
        let filter = scope.sessionFilter
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sessionId, tenant, requestedBy, reason, purgedAt, rowCount FROM purgeAudit s
                    WHERE \(filter.sql) ORDER BY id
                    """,
                arguments: filter.arguments
            ).map { row in
                PurgeRecord(
                    sessionId: try row.text(at: 0),
                    tenant: try row.optionalText(at: 1),
                    requestedBy: try row.text(at: 2),
                    reason: try row.text(at: 3),
                    purgedAt: try Timestamp.parse(row[4]).orInvalidRow("purgedAt"),
                    rowCount: row[5]
                )
            }
        }
    }

    /// Deletes one session's rows in the order the foreign keys need, inside a purge marker.
    private static func purgeOne(
        _ db: Database, _ session: SessionRef, reason: String, requestedBy: String, at now: Date
    ) throws -> PurgeRecord {
        let id = session.id
        let key = session.key
        let tenant = try String.fetchOne(db, sql: "SELECT tenant FROM session WHERE key = ?", arguments: [key])
        try db.execute(sql: "INSERT INTO purgeInProgress (sessionKey) VALUES (?)", arguments: [key])
        var rows = 0
        for table in [
            "searchDoc", "logHash", "entryUsage", "toolCall", "toolResult", "entry", "openResult", "openCall",
            "openTurn",
        ] {
            try db.execute(sql: "DELETE FROM \(table) WHERE sessionKey = ?", arguments: [key])
            rows += db.changesCount
        }
        try db.execute(sql: "DELETE FROM session WHERE key = ?", arguments: [key])
        rows += db.changesCount
        try db.execute(sql: "DELETE FROM purgeInProgress WHERE sessionKey = ?", arguments: [key])
        let record = PurgeRecord(
            sessionId: id, tenant: tenant, requestedBy: requestedBy, reason: reason, purgedAt: now, rowCount: rows)
        try db.execute(
            sql: """
                INSERT INTO purgeAudit (sessionId, tenant, requestedBy, reason, purgedAt, rowCount)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [id, tenant, requestedBy, reason, Timestamp.format(now), rows])
        return record
    }
}
