import GRDB

extension DatabaseMigrator {
    /// The schema, in order. The id is the file name in `Migrations/`, whose text is embedded
    /// in the binary. Never edit or rename a shipped file: add one, and one line here.
    static let ledgerMigrations: [(id: String, sql: [UInt8])] = [
        ("0001_create_session", PackageResources._001_create_session_sql),
        ("0002_create_log", PackageResources._002_create_log_sql),
        ("0003_create_open_turn", PackageResources._003_create_open_turn_sql),
        ("0004_guard_log", PackageResources._004_guard_log_sql),
        ("0005_history", PackageResources._005_history_sql),
        ("0006_api_keys", PackageResources._006_api_keys_sql),
        ("0007_summary_covers_history", PackageResources._007_summary_covers_history_sql),
        ("0008_search_in_batches", PackageResources._008_search_in_batches_sql),
        ("0009_session_key", PackageResources._009_session_key_sql),
        ("0010_rewind", PackageResources._010_rewind_sql),
        ("0011_hash_tool_text_whole", PackageResources._011_hash_tool_text_whole_sql),
        ("0012_activity_order", PackageResources._012_activity_order_sql),
    ]

    /// Work a migration needs beyond its SQL, run in the same transaction right after it: the
    /// hashes and search rows of the history a database held before they existed. The code runs
    /// against the newest schema, so it follows the last migration that changed the tables it
    /// reads or writes: 0010, which added `entry.rewindTo` (0005 added the hash chain and 0008 the
    /// search rows; their follow-ups moved to 0009 when it rebuilt the log tables, then here).
    /// 0009 leaves `searchDoc` empty; a database that opens at 0010 with search rows already came
    /// through 0009's follow-up with an earlier version, and is left as it is.
    ///
    /// 0011 changes no table: its follow-up re-chains the sessions whose tool rows hold a NUL, now
    /// that the chain covers their text whole (docs/schema.md, "The hash chain").
    static let ledgerMigrationFollowUps: [String: @Sendable (Database) throws -> Void] = [
        "0010_rewind": { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM searchDoc)") != true {
                try SearchIndex.rebuild(db)
            }
        },
        "0011_hash_tool_text_whole": { db in try LogIndex.rechainWholeToolText(db) },
    ]

    /// A migrator that applies ``ledgerMigrations`` and records the text of each one, so that a
    /// later open can tell when a migration changed after it was applied.
    static var ledger: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in ledgerMigrations {
            migrator.registerMigration(migration.id) { db in
                let sql = String(decoding: migration.sql, as: UTF8.self)
                try db.execute(sql: sql)
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS ledgerMigration (
                            id TEXT PRIMARY KEY NOT NULL,
                            sql TEXT NOT NULL
                        ) STRICT
                        """)
                try db.execute(
                    sql: "INSERT INTO ledgerMigration (id, sql) VALUES (?, ?)",
                    arguments: [migration.id, sql]
                )
                try ledgerMigrationFollowUps[migration.id]?(db)
            }
        }
        return migrator
    }

    /// Migrates, while other processes may be opening the same new file: GRDB reads which
    /// migrations are applied before the transaction that applies the next one, so of two
    /// processes that open a new file at once, the second can run a migration the first just
    /// committed, and fail ("table session already exists") with its transaction rolled back.
    /// Such a failure is retried as long as some other process made progress meanwhile.
    func migrateAlongsideOtherProcesses(_ writer: any DatabaseWriter) throws {
        for attempt in 0... {
            let before = try writer.read { db in try appliedIdentifiers(db) }
            do {
                return try migrate(writer)
            } catch let error as DatabaseError {
                let after = try writer.read { db in try appliedIdentifiers(db) }
                guard after.count > before.count, attempt < migrations.count else { throw error }
            }
        }
    }

    /// Refuses a database that a newer version wrote, or whose applied migrations differ
    /// from the embedded ones.
    func checkCompatibility(_ db: Database) throws {
        guard try db.tableExists("grdb_migrations") else { return }
        let known = Set(migrations)
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw LedgerError.databaseTooNew(unknownMigrations: unknown) }
        guard try db.tableExists("ledgerMigration") else { return }
        let appliedText = try Dictionary(
            uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, sql FROM ledgerMigration").map {
                (row: Row) -> (String, String) in (row["id"], row["sql"])
            }
        )
        for migration in Self.ledgerMigrations {
            if let sql = appliedText[migration.id], sql != String(decoding: migration.sql, as: UTF8.self) {
                throw LedgerError.migrationChanged(migration.id)
            }
        }
    }
}
