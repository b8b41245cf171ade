import Foundation
import GRDB
import Testing

@testable import TurnLedger

@Suite struct MigrationTests {
    @Test func theRegisteredMigrationsAreExactlyTheFilesInMigrationsInOrder() throws {
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(DatabaseMigrator.ledgerMigrations.map { "\($0.id).sql" } == files)
        for migration in DatabaseMigrator.ledgerMigrations {
            let text = try Data(contentsOf: directory.appendingPathComponent("\(migration.id).sql"))
            #expect(Array(text) == migration.sql, "\(migration.id) is embedded as it is on disk")
        }
    }

    @Test func reopeningAMigratedDatabaseKeepsItsData() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("Hi")], role: .user, to: "s1")

        let reopened = try Ledger(path: temp.path)
        #expect(try await reopened.entries(in: "s1").map(\.parts) == [[.text("Hi")]])
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('0099_from_the_future')")
        }
        #expect(throws: LedgerError.databaseTooNew(unknownMigrations: ["0099_from_the_future"])) {
            try Ledger(path: temp.path)
        }
    }

    @Test func aMigrationWhoseTextChangedAfterItWasAppliedIsRefused() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(sql: "UPDATE ledgerMigration SET sql = sql || ' -- edited' WHERE id = '0002_create_log'")
        }
        #expect(throws: LedgerError.migrationChanged("0002_create_log")) { try Ledger(path: temp.path) }
    }

    @Test func theSchemaUsesStrictTablesAndWAL() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.rawConnection(foreignKeys: true).read { db in
            let strict = try String.fetchAll(
                db, sql: "SELECT name FROM pragma_table_list WHERE strict = 1 AND schema = 'main'")
            #expect(
                Set(strict).isSuperset(of: [
                    "session", "entry", "toolCall", "toolResult", "openTurn", "openCall", "openResult",
                ]))
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
        }
    }
}
