import Logging
import PostgresNIO

/// Applies the PostgreSQL schema (`Storage/Postgres/Migrations/`, embedded in the binary), the
/// way the SQLite migrator does: in order, each recorded with its text in `ledgerMigration`, and
/// a database this version must not touch refused before anything is written.
///
/// Several services may start at once on a new database: the whole migration is one transaction
/// that first takes a transaction-level advisory lock, so one of them migrates and the others,
/// once it commits, find every migration applied.
struct PostgresMigrator {
    /// The schema, in order. The id is the file name in `Migrations/`. Never edit or rename a
    /// shipped file: add one, and one line here.
    static let migrations: [(id: String, sql: [UInt8])] = [
        ("0001_ledger", PackageResources._001_ledger_sql)
    ]

    /// The advisory lock that serializes migrators: "TLmigrat" as a 64-bit number.
    static let lockKey: Int64 = 0x544C_6D69_6772_6174

    var migrations: [(id: String, sql: [UInt8])] = Self.migrations
    var logger: Logger

    /// Migrates the database `client` connects to.
    ///
    /// - Throws: ``LedgerError/databaseTooNew(unknownMigrations:)`` when the database holds
    ///   migrations this version does not know; ``LedgerError/migrationChanged(_:)`` when an applied
    ///   migration's text differs from the embedded one. Nothing is written then.
    func migrate(_ client: PostgresClient) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS ledgerMigration (
                    id text PRIMARY KEY,
                    sql text NOT NULL,
                    appliedAt timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: [String: String] = [:]
            for try await (id, sql) in try await connection.query("SELECT id, sql FROM ledgerMigration", logger: logger)
                .decode((String, String).self)
            {
                applied[id] = sql
            }
            try check(applied: applied)
            for migration in migrations where applied[migration.id] == nil {
                let sql = String(decoding: migration.sql, as: UTF8.self)
                for statement in SQLScript(sql).statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO ledgerMigration (id, sql) VALUES (\(migration.id), \(sql))", logger: logger)
                logger.debug("applied migration", metadata: ["migration": "\(migration.id)"])
            }
        }
    }

    /// Refuses a database a newer version wrote, or whose applied migrations differ from ours.
    func check(applied: [String: String]) throws {
        let known = Set(migrations.map(\.id))
        let unknown = applied.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else { throw LedgerError.databaseTooNew(unknownMigrations: unknown) }
        for migration in migrations {
            if let text = applied[migration.id], text != String(decoding: migration.sql, as: UTF8.self) {
                throw LedgerError.migrationChanged(migration.id)
            }
        }
    }
}
