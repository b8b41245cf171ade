import Foundation
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
    /// The database: an SQLite file (``SQLiteStore``) or a PostgreSQL database (``PostgresStore``).
    let store: any LedgerStore
    /// Wakes the tails of a session when a write committed rows to its log.
    let feed: LogFeed
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
    ///   for a file that cannot be opened or is not a database; ``LedgerError/invalidInput(field:reason:)``
    ///   (field `historyCacheBytes`) for a negative cache size.
    ///
    /// A PostgreSQL store (a `postgres://` URL in ``LedgerConfiguration/path``) opens with
    /// ``open(configuration:logger:)``, which is asynchronous.
    public init(configuration: LedgerConfiguration, logger: Logger = Ledger.silentLogger) throws {
        if PostgresLocation.isURL(configuration.path) {
            throw LedgerError.invalidInput(
                field: "store", reason: "a PostgreSQL store opens with `try await Ledger.open(configuration:)`")
        }
        guard configuration.historyCacheBytes >= 0 else {
            throw LedgerError.invalidInput(
                field: "historyCacheBytes", reason: "must be 0 or more, not \(configuration.historyCacheBytes)")
        }
        self.init(store: try SQLiteStore.open(configuration), configuration: configuration, logger: logger)
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
    ///   ``LedgerError/invalidInput(field:reason:)`` (field `store`) for a URL that is not one, or
    ///   (field `maxStoreConnections`) for a pool of fewer than one connection, (field
    ///   `tailPollInterval`) for an interval of 0 or less, and
    ///   ``LedgerError/postgresFailed(store:sqlState:message:)`` when the server cannot be reached.
    public static func open(configuration: LedgerConfiguration, logger: Logger = Ledger.silentLogger) async throws
        -> Ledger
    {
        guard PostgresLocation.isURL(configuration.path) else {
            return try Ledger(configuration: configuration, logger: logger)
        }
        let location = try PostgresLocation(url: configuration.path)
        guard configuration.maxStoreConnections >= 1 else {
            throw LedgerError.invalidInput(
                field: "maxStoreConnections",
                reason: "a PostgreSQL ledger needs at least 1 connection, not \(configuration.maxStoreConnections)")
        }
        guard configuration.tailPollInterval > .zero else {
            throw LedgerError.invalidInput(
                field: "tailPollInterval", reason: "must be more than 0, not \(configuration.tailPollInterval)")
        }
        let feed = LogFeed()  // other services' commits, heard by the store, wake this ledger's tails
        let store = try await PostgresStore.open(
            location, maxConnections: configuration.maxStoreConnections, tailPollInterval: configuration.tailPollInterval,
            logger: logger,
            heard: { key, purged in feed.announce(key, purged: purged) })
        return Ledger(store: store, feed: feed, configuration: configuration, logger: logger)
    }

    init(store: any LedgerStore, feed: LogFeed = LogFeed(), configuration: LedgerConfiguration, logger: Logger) {
        self.store = store
        self.feed = feed
        self.configuration = configuration
        self.logger = logger
        logger.debug("opened ledger", metadata: ["engine": "\(store.engineName)"])
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
        get async { await sqlite?.pipeline.statistics ?? WriteStatistics() }
    }

    /// Whether concurrent writes share commits (the SQLite write pipeline); on PostgreSQL each
    /// write is its own transaction, and ``writeStatistics`` stays zero.
    package var groupsCommits: Bool { sqlite != nil }

    /// The SQLite store, for the tests that look at the file directly; nil on PostgreSQL.
    var sqlite: SQLiteStore? { store as? SQLiteStore }

    /// The most calls one turn may make: a turn takes at most this many seqs plus one.
    public var maxCallsPerTurn: Int { configuration.maxCallsPerTurn }

    /// Closes the database: every connection is closed once the accesses in flight end.
    /// Call it last; any later call fails.
    public func close() throws {
        try store.close()
    }
}
