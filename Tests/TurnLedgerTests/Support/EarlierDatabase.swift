import Foundation
import GRDB

@testable import TurnLedger

/// A database as an earlier TurnLedger left it: the first `migrations` migrations applied from
/// the repository's `Migrations/` files (their SQL only, none of the library's follow-ups), then
/// `rows`, raw SQL, as that version wrote them.
enum EarlierDatabase {
    static func create(at path: String, migrations count: Int, rows: String) async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Migrations")
        // As the library's migrator does: a migration that rebuilds a table (0009) runs without
        // foreign keys enforced.
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        try await DatabaseQueue(path: path, configuration: configuration).write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            try db.execute(sql: "CREATE TABLE ledgerMigration (id TEXT PRIMARY KEY NOT NULL, sql TEXT NOT NULL) STRICT")
            for (id, _) in DatabaseMigrator.ledgerMigrations.prefix(count) {
                let sql = try String(contentsOf: folder.appendingPathComponent(id + ".sql"), encoding: .utf8)
                try db.execute(sql: sql)
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES (?)", arguments: [id])
                try db.execute(sql: "INSERT INTO ledgerMigration VALUES (?, ?)", arguments: [id, sql])
            }
            try db.execute(sql: rows)
        }
    }
}

/// The rows of a store of this version as raw SQL for the tables of an earlier one.
enum EarlierRows {
    /// For migration 0008's tables (text session ids in every row): each session after its
    /// parent's log, each committed turn staged then sealed as the triggers of that version
    /// require, hashes, usage and open turns. Search rows are left to the migration after.
    static func at0008(_ db: Database) throws -> String {
        var sql: [String] = []
        func rows(_ query: String, _ arguments: StatementArguments) throws -> [String] {
            try String.fetchAll(db, sql: query, arguments: arguments)
        }
        for session in try Row.fetchAll(db, sql: "SELECT key, quote(id) FROM session ORDER BY key") {
            let key: Int64 = session[0]
            let id: String = session[1]
            sql += try rows(
                """
                SELECT 'INSERT INTO session (id, tenant, metadata, createdAt, parentSessionId, parentSeq) VALUES ('
                    || quote(s.id) || ', ' || quote(s.tenant) || ', ' || quote(s.metadata) || ', '
                    || quote(s.createdAt) || ', ' || quote(p.id) || ', ' || quote(s.parentSeq) || ');'
                FROM session s LEFT JOIN session p ON p.key = s.parentKey WHERE s.key = ?
                """, [key])
            for entry in try Row.fetchAll(
                db, sql: "SELECT seq, callCount, quote(parts) FROM entry WHERE sessionKey = ? ORDER BY seq",
                arguments: [key])
            {
                let seq: Int = entry[0]
                let calls: Int = entry[1]
                if calls > 0 {
                    sql.append(
                        "INSERT INTO openTurn (sessionId, seq, parts, callCount, openedAt) VALUES "
                            + "(\(id), \(seq), \(entry[2] as String), \(calls), '2026-01-01 00:00:00.000');")
                    sql += try rows(
                        """
                        SELECT 'INSERT INTO toolResult (sessionId, turnSeq, position, callId, outcome, parts, recordedAt) '
                            || 'VALUES (' || ?1 || ', ' || turnSeq || ', ' || position || ', ' || quote(callId) || ', '
                            || quote(outcome) || ', ' || quote(parts) || ', ' || quote(recordedAt) || ');'
                        FROM toolResult WHERE sessionKey = ?2 AND turnSeq = ?3 ORDER BY position
                        """, [id, key, seq])
                    sql += try rows(
                        """
                        SELECT 'INSERT INTO toolCall (sessionId, turnSeq, position, callId, name, arguments) VALUES ('
                            || ?1 || ', ' || turnSeq || ', ' || position || ', ' || quote(callId) || ', '
                            || quote(name) || ', ' || quote(arguments) || ');'
                        FROM toolCall WHERE sessionKey = ?2 AND turnSeq = ?3 ORDER BY position
                        """, [id, key, seq])
                    sql.append("DELETE FROM openTurn WHERE sessionId = \(id);")
                }
                sql += try rows(
                    """
                    SELECT 'INSERT INTO entry (sessionId, seq, role, parts, callCount, idempotencyKey, createdAt, '
                        || 'summaryFrom, summaryTo) VALUES (' || ?1 || ', ' || seq || ', ' || quote(role) || ', '
                        || quote(parts) || ', ' || callCount || ', ' || quote(idempotencyKey) || ', '
                        || quote(createdAt) || ', ' || quote(summaryFrom) || ', ' || quote(summaryTo) || ');'
                    FROM entry WHERE sessionKey = ?2 AND seq = ?3
                    """, [id, key, seq])
            }
            sql += try rows(
                """
                SELECT 'INSERT INTO entryUsage (sessionId, seq, model, inputTokens, outputTokens, cachedTokens, '
                    || 'reasoningTokens) VALUES (' || ?1 || ', ' || seq || ', ' || quote(model) || ', '
                    || quote(inputTokens) || ', ' || quote(outputTokens) || ', ' || quote(cachedTokens) || ', '
                    || quote(reasoningTokens) || ');'
                FROM entryUsage WHERE sessionKey = ?2
                """, [id, key])
            sql += try rows(
                """
                SELECT 'INSERT INTO logHash (sessionId, seq, hash) VALUES (' || ?1 || ', ' || seq || ', '
                    || quote(hash) || ');'
                FROM logHash WHERE sessionKey = ?2
                """, [id, key])
            sql += try rows(
                """
                SELECT 'INSERT INTO openTurn (sessionId, seq, parts, callCount, idempotencyKey, openedAt, usage) VALUES ('
                    || ?1 || ', ' || seq || ', ' || quote(parts) || ', ' || callCount || ', ' || quote(idempotencyKey)
                    || ', ' || quote(openedAt) || ', ' || quote(usage) || ');'
                FROM openTurn WHERE sessionKey = ?2
                """, [id, key])
            sql += try rows(
                """
                SELECT 'INSERT INTO openCall (sessionId, position, callId, name, arguments) VALUES (' || ?1 || ', '
                    || position || ', ' || quote(callId) || ', ' || quote(name) || ', ' || quote(arguments) || ');'
                FROM openCall WHERE sessionKey = ?2 ORDER BY position
                """, [id, key])
            sql += try rows(
                """
                SELECT 'INSERT INTO openResult (sessionId, position, outcome, parts, recordedAt) VALUES (' || ?1
                    || ', ' || position || ', ' || quote(outcome) || ', ' || quote(parts) || ', '
                    || quote(recordedAt) || ');'
                FROM openResult WHERE sessionKey = ?2 ORDER BY position
                """, [id, key])
        }
        return sql.joined(separator: "\n")
    }
}
