import Foundation
import Logging
import PostgresNIO
import Testing

@testable import TurnLedger

/// The library applies the PostgreSQL schema through postgres-nio, once, whoever starts first.
@Suite struct PostgresMigratorTests {
    private let migrator = PostgresMigrator(logger: Logger(label: "test"))

    private func appliedMigrations(_ cluster: PostgresCluster, _ database: String) -> String {
        cluster.psql(database, "SELECT string_agg(id, ',' ORDER BY id) FROM ledgerMigration").stdout
    }

    @Test func servicesStartingTogetherOnANewDatabaseMigrateItOnce() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.createDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { try await cluster.withClient(database) { client in try await migrator.migrate(client) } }
            }
            try await group.waitForAll()
        }
        #expect(appliedMigrations(cluster, database) == "0001_ledger\n")
        let tables = cluster.psql(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        #expect(Int(tables.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 10)

        // The schema is the one the guard tests check: a call without its result is refused.
        let refused = cluster.psql(
            database,
            """
            INSERT INTO session (id, createdAt) VALUES ('s1', '2026-12-01T00:00:00.000Z');
            BEGIN;
            INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt)
                VALUES (1, 1, 'assistant', '[]', 1, '2026-12-01T00:00:00.001Z');
            INSERT INTO toolCall VALUES (1, 1, 0, 'a', 'fetch', '{}');
            COMMIT;
            """)
        #expect(refused.status != 0)
        #expect(cluster.psql(database, "SELECT count(*) FROM entry").stdout == "0\n")

        // Opening it again applies nothing.
        try await cluster.withClient(database) { client in try await migrator.migrate(client) }
        #expect(appliedMigrations(cluster, database) == "0001_ledger\n")
    }

    @Test func aDatabaseThisVersionMustNotTouchIsRefusedAndLeftAsItIs() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.createDatabase()
        try await cluster.withClient(database) { client in try await migrator.migrate(client) }

        // A newer version applied a migration this one does not know.
        var future = migrator
        future.migrations.append((id: "0002_future", sql: Array("CREATE TABLE future (x int);".utf8)))
        let newer = future
        try await cluster.withClient(database) { client in try await newer.migrate(client) }
        await #expect(throws: LedgerError.databaseTooNew(unknownMigrations: ["0002_future"])) {
            try await cluster.withClient(database) { client in try await migrator.migrate(client) }
        }

        // An applied migration whose text changed since.
        var changed = newer
        changed.migrations[0].sql += Array("\n-- edited\n".utf8)
        let edited = changed
        await #expect(throws: LedgerError.migrationChanged("0001_ledger")) {
            try await cluster.withClient(database) { client in try await edited.migrate(client) }
        }
        #expect(appliedMigrations(cluster, database) == "0001_ledger,0002_future\n")
    }
}
