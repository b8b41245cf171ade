import Foundation
import GRDB
import Logging

extension Ledger {
    /// Removes a whole session: its log, hashes, search rows, usage, open turn and the session
    /// itself, in one transaction, and records the purge in the audit (``purgeAudit()``). The
    /// only way anything leaves the log.
    ///
    /// - Parameters:
    ///   - requestedBy: Who asked (a user, a service, a ticket): kept in the audit.
    ///   - reason: Why: kept in the audit.
    ///   - includingForks: Purge the session's forks (and theirs) too; without it, a session
    ///     with forks is refused, since their history starts with its entries.
    /// - Returns: One audit record per purged session, forks first.
    /// - Throws: ``LedgerError/sessionHasForks(sessionID:forkIDs:)``; ``LedgerError/sessionNotFound(_:)``;
    ///   ``LedgerError/invalidInput(field:reason:)`` for an empty reason or requester.
    @discardableResult
    public func purge(
        _ sessionID: String,
        reason: String,
        requestedBy: String,
        includingForks: Bool = false
    ) async throws -> [PurgeRecord] {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LedgerError.invalidInput(field: "reason", reason: "a purge needs a reason")
        }
        try configuration.checkIdentifier(requestedBy, field: "requestedBy")
        let records: [PurgeRecord]
        let keys: [Int64]
        if case .postgres(let store) = engine {
            let purged = try await store.purge(
                sessionID, in: scope, reason: reason, requestedBy: requestedBy, includingForks: includingForks)
            (records, keys) = (purged.map(\.0), purged.map(\.1.key))
        } else {
            (records, keys) = try await sqlitePurge(sessionID, reason: reason, requestedBy: requestedBy, includingForks: includingForks)
        }
        for key in keys { feed.announce(key, purged: true) }  // their tails end
        for record in records {
            logger.notice(
                "purged session",
                metadata: [
                    "session": "\(record.sessionId)", "rows": "\(record.rowCount)", "by": "\(requestedBy)",
                ])
        }
        return records
    }

    private func sqlitePurge(_ sessionID: String, reason: String, requestedBy: String, includingForks: Bool)
        async throws -> ([PurgeRecord], [Int64])
    {
        try await write("purge") { db in
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
            let records = try purged.map { session in
                try Self.purgeOne(db, session, reason: reason, requestedBy: requestedBy, at: now)
            }
            return (records, purged.map(\.key))
        }
    }

    /// Every purge ever made, oldest first.
    public func purgeAudit() async throws -> [PurgeRecord] {
        if case .postgres(let store) = engine { return try await store.purgeAudit(in: scope) }
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
