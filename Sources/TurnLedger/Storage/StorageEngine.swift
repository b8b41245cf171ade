import GRDB

/// The database a ledger stores its log in. Everything that is not storage (checks, turns,
/// rendering, windowing, the hash's canonical bytes) is shared; each engine holds its own SQL.
enum StorageEngine: Sendable {
    /// An SQLite file (the default), through GRDB: `Storage/SQLite/`.
    case sqlite(any DatabaseWriter)
    /// A PostgreSQL database, through postgres-nio: `Storage/Postgres/`.
    case postgres(PostgresStore)

    /// The engine's name in messages.
    var name: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}
