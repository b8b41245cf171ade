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
        try await DatabaseQueue(path: path).write { db in
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
