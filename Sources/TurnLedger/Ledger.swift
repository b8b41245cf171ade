import Foundation
import GRDB
import Logging

/// A persistent conversation store for LLM agents, on one SQLite file (the default) or a
/// PostgreSQL database (``open(configuration:logger:)`` with a `postgres://` URL).
///
/// `Ledger` is a `Sendable` value: share it across tasks and threads. Several processes may
/// open the same file; their writes wait for each other up to the configured busy timeout.
///
/// ```swift
/// let ledger = try Ledger(path: "agent.sqlite")
/// try await ledger.createSession(id: "s1")
/// try await ledger.append([.text("What's the weather in Paris?")], role: .user, to: "s1")
/// let call = ToolCall(id: "call_1", name: "weather", arguments: #"{"city":"Paris"}"#)
/// try await ledger.openTurn(in: "s1", calls: [call])
/// try await ledger.recordResult([.text("18°C, clear")], for: "call_1", in: "s1")
/// try await ledger.commitTurn(in: "s1")
/// let history = try await ledger.entries(in: "s1")
/// ```
public struct Ledger: Sendable {
    /// The database: an SQLite file or a PostgreSQL database.
    let engine: StorageEngine
    /// Every write goes through it: group commit for concurrent writers.
    let pipeline = WritePipeline()
    /// Wakes the tails of a session when a write committed rows to its log.
    let feed = LogFeed()
    let configuration: LedgerConfiguration
    let logger: Logger
    /// Which sessions its session ids name: every session, or one tenant's (``scoped(to:)``).
    public internal(set) var scope: TenantScope = .all

    /// Opens (creating if needed) the ledger at `path` with the default configuration.
    ///
    /// - Throws: ``LedgerError/databaseTooNew(unknownMigrations:)`` or
    ///   ``LedgerError/migrationChanged(_:)`` for a database this version must not touch.
    public init(path: String, logger: Logger = Ledger.silentLogger) throws {
        try self.init(configuration: LedgerConfiguration(path: path), logger: logger)
    }

    /// Opens (creating if needed) the ledger a configuration describes, and migrates it.
    ///
    /// - Throws: also ``LedgerError/storeBusy(waited:)`` when another process keeps the file
    ///   locked past the busy timeout, and ``LedgerError/storageFailed(path:sqliteCode:message:)``
    ///   for a file that cannot be opened or is not a database.
    ///
    /// A PostgreSQL store (a `postgres://` URL in ``LedgerConfiguration/path``) opens with
    /// ``open(configuration:logger:)``, which is asynchronous.
    public init(configuration: LedgerConfiguration, logger: Logger = Ledger.silentLogger) throws {
        if PostgresLocation.isURL(configuration.path) {
            throw LedgerError.invalidInput(
                field: "store", reason: "a PostgreSQL store opens with `try await Ledger.open(configuration:)`")
        }
        let started = ContinuousClock.now
        let pool = try Self.openPool(configuration, since: started)
        do {
            try self.init(pool, configuration: configuration, logger: logger)
        } catch let error as DatabaseError {
            throw configuration.storageError(error, waitingSince: started)
        }
    }

    /// Opens the file in WAL mode with the configured durability. On a new file GRDB switches to
    /// WAL inside a deferred transaction (a savepoint), which SQLite cannot make wait for the busy
    /// handler: when another process is setting up or writing the same new file at that moment,
    /// it answers SQLITE_BUSY at once. Such an open is retried until the busy timeout.
    private static func openPool(_ configuration: LedgerConfiguration, since started: ContinuousClock.Instant)
        throws -> DatabasePool
    {
        var config = Configuration()  // foreign keys are on by default
        config.busyMode = .timeout(configuration.busyTimeout.timeInterval)  // the CLI and a server may write at once
        config.prepareDatabase { db in db.add(function: SearchText.bodyFunction) }  // the view searchSource reads it
        while true {
            do {
                let pool = try DatabasePool(path: configuration.path, configuration: config)
                // The pool keeps one writer connection for its lifetime; only it writes, so only its
                // level matters. (GRDB sets NORMAL when it opens a pool in WAL mode.)
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = \(configuration.durability.synchronous)")
                }
                return pool
            } catch let error as DatabaseError
                where error.resultCode == .SQLITE_BUSY && ContinuousClock.now - started < configuration.busyTimeout
            {
                Thread.sleep(forTimeInterval: 0.005)
            } catch let error as DatabaseError {
                throw configuration.storageError(error, waitingSince: started)
            }
        }
    }

    /// Opens (creating if needed) the ledger a configuration describes, on either engine: an
    /// SQLite file, or the PostgreSQL database a `postgres://` URL names, which it migrates
    /// (docs/postgres.md).
    ///
    /// ```swift
    /// let ledger = try await Ledger.open(configuration: LedgerConfiguration(path: "postgres://app@db/agents"))
    /// ```
    ///
    /// - Throws: what ``init(configuration:logger:)`` throws; for PostgreSQL,
    ///   ``LedgerError/invalidInput(field:reason:)`` (field `store`) for a URL that is not one, and
    ///   ``LedgerError/postgresFailed(store:sqlState:message:)`` when the server cannot be reached.
    public static func open(configuration: LedgerConfiguration, logger: Logger = Ledger.silentLogger) async throws
        -> Ledger
    {
        guard PostgresLocation.isURL(configuration.path) else {
            return try Ledger(configuration: configuration, logger: logger)
        }
        let store = try await PostgresStore.open(PostgresLocation(url: configuration.path), logger: logger)
        return Ledger(engine: .postgres(store), configuration: configuration, logger: logger)
    }

    private init(engine: StorageEngine, configuration: LedgerConfiguration, logger: Logger) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
    }

    init(_ writer: any DatabaseWriter, configuration: LedgerConfiguration, logger: Logger) throws {
        self.engine = .sqlite(writer)
        self.configuration = configuration
        self.logger = logger
        let migrator = DatabaseMigrator.ledger
        try writer.read { db in try migrator.checkCompatibility(db) }
        try migrator.migrateAlongsideOtherProcesses(writer)
        logger.debug("opened ledger", metadata: ["path": "\(configuration.path)"])
    }

    /// A logger that drops everything: the default when the caller passes none.
    public static let silentLogger = Logger(label: "TurnLedger", factory: { _ in SwiftLogNoOpLogHandler() })
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension Ledger {
    /// How many transactions and writes the write pipeline has run since this ledger was opened:
    /// `writes / transactions` is the mean number of writes that shared a commit.
    package var writeStatistics: WriteStatistics {
        get async { await pipeline.statistics }
    }

    /// Whether concurrent writes share commits (the SQLite write pipeline); on PostgreSQL each
    /// write is its own transaction, and ``writeStatistics`` stays zero.
    package var groupsCommits: Bool {
        if case .sqlite = engine { true } else { false }
    }

    /// The most calls one turn may make: a turn takes at most this many seqs plus one.
    public var maxCallsPerTurn: Int { configuration.maxCallsPerTurn }

    /// Closes the database: every connection is closed once the accesses in flight end.
    /// Call it last; any later call fails.
    public func close() throws {
        switch engine {
        case .sqlite(let writer): try (writer as? DatabasePool)?.close()
        case .postgres(let store): store.close()
        }
    }
}
