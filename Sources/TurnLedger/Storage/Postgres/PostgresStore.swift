import Foundation
import Logging
import PostgresNIO

/// A ledger's PostgreSQL database: a pool of connections (postgres-nio's `PostgresClient`) that
/// runs for as long as the store is open, and the one place its failures become ledger errors.
///
/// Every write is one transaction that first locks its session's row (`FOR UPDATE`): the writes
/// of one session, from any number of services, take turns, as SQLite's write lock makes them
/// do, so a stale `expectedSeq` is a ``LedgerError/seqConflict(sessionID:expected:next:)`` and not
/// a failed insert. Writes to different sessions run at once. Every read is one `REPEATABLE READ`
/// transaction: a snapshot, like an SQLite read transaction.
final class PostgresStore: LedgerStore {
    let client: PostgresClient
    let location: PostgresLocation
    let logger: Logger
    private let running: Task<Void, Never>
    /// Ends when the task that runs the client has started: a lease before it would be logged
    /// as a warning by postgres-nio.
    private let started: AsyncStream<Void>
    /// Hears other processes' commits (``announceCommit(_:purged:)``).
    private let listener: PostgresCommitListener
    /// For a notification sent while the listener reconnects, or never sent by a writer that died
    /// right after its commit (`LedgerConfiguration.tailPollInterval`).
    let tailPollInterval: Duration?

    private init(
        _ location: PostgresLocation, maxConnections: Int, tailPollInterval: Duration, listener: PostgresCommitListener,
        logger: Logger
    ) {
        self.location = location
        self.logger = logger
        self.listener = listener
        self.tailPollInterval = tailPollInterval
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = maxConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        let (started, starting) = AsyncStream<Void>.makeStream()
        self.started = started
        running = Task {
            starting.finish()
            await client.run()  // marks the client running before its first suspension
        }
    }

    /// Connects to the database `location` names, with at most `maxConnections` connections open
    /// at once (and one more that listens for commits: `heard` is called with the session key of
    /// each commit any ledger on the database announces), and migrates it (``PostgresMigrator``).
    static func open(
        _ location: PostgresLocation, maxConnections: Int, tailPollInterval: Duration, logger: Logger,
        heard: @escaping @Sendable (_ key: Int64, _ purged: Bool) -> Void
    ) async throws -> PostgresStore {
        let listener = try await PostgresCommitListener.start(location, logger: logger, heard: heard)
        let store = PostgresStore(
            location, maxConnections: maxConnections, tailPollInterval: tailPollInterval, listener: listener, logger: logger)
        for await _ in store.started {}
        await Task.yield()
        do {
            try await store.mappingErrors { try await PostgresMigrator(logger: logger).migrate(store.client) }
        } catch {
            store.close()
            throw error
        }
        logger.debug("opened ledger", metadata: ["store": "\(location)"])
        return store
    }

    var engineName: String { "PostgreSQL" }

    /// Closes every connection once the queries in flight end.
    func close() {
        listener.stop()
        running.cancel()
    }

    /// `pg_notify` on its own, after the commit: the other processes' listeners hear it.
    func announceCommit(_ key: Int64, purged: Bool) async {
        let payload = listener.payload(key, purged: purged)
        do {
            try await client.query("SELECT pg_notify(\(PostgresCommitListener.channel), \(payload))", logger: logger)
        } catch {
            logger.debug("commit not announced", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// One write transaction: committed when `body` returns, rolled back when it throws.
    func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingErrors { try await client.transaction(logger: logger) { connection in try await body(connection) } }
    }

    /// One read-only transaction that sees one snapshot of committed rows.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingErrors {
            try await client.transaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                return try await body(connection)
            }
        }
    }

    /// One read transaction on the session `scope` names `id`: ``LedgerError/sessionNotFound(_:)``
    /// when there is none.
    func read<T: Sendable>(
        session id: String, in scope: TenantScope, _ body: (PostgresConnection, SessionRef) async throws -> T
    ) async throws -> T {
        try await read { connection in
            try await body(connection, try await session(connection, scope, id, locking: false))
        }
    }

    /// PostgreSQL's text holds no NUL character, which SQLite's does: such a value is refused
    /// before anything is written (docs/postgres.md).
    static func requireNoNUL(_ value: String, field: String) throws {
        if value.utf8.contains(0) {
            throw LedgerError.invalidInput(field: field, reason: "PostgreSQL text cannot hold a NUL character")
        }
    }

    /// Runs `access`, turning a PostgreSQL failure into a ledger error that carries no SQL.
    func mappingErrors<T>(_ access: () async throws -> T) async throws -> T {
        do {
            return try await access()
        } catch let error as PSQLError {
            throw ledgerError(error)
        } catch let error as LedgerError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {  // the pool's own (no connection could be made), the driver's decoding errors
            throw LedgerError.postgresFailed(store: location.description, sqlState: nil, message: "\(error)")
        }
    }

    /// The ledger's error for a connection that could not be made: the server's refusal (with
    /// its SQLSTATE), or what failed on the way to it.
    static func connectionFailure(_ error: any Error, at location: PostgresLocation) -> LedgerError {
        guard let error = error as? PSQLError else {
            return .postgresFailed(store: location.description, sqlState: nil, message: "cannot connect: \(error)")
        }
        if error.serverInfo != nil { return ledgerError(error, at: location) }
        let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
        return .postgresFailed(store: location.description, sqlState: nil, message: "cannot connect: \(cause)")
    }

    func ledgerError(_ error: PSQLError) -> LedgerError {
        Self.ledgerError(error, at: location)
    }

    /// The ledger's error for a PostgreSQL failure: the server's own message and SQLSTATE when it
    /// sent one, else what failed on the way (the query text is never part of it).
    static func ledgerError(_ error: PSQLError, at location: PostgresLocation) -> LedgerError {
        let sqlState = error.serverInfo?[.sqlState]
        if sqlState == "40001" || sqlState == "40P01" || sqlState == "55P03" {  // serialization, deadlock, lock timeout
            return .storeBusy(waited: .zero)
        }
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        return .postgresFailed(store: location.description, sqlState: sqlState, message: message)
    }
}

extension PostgresConnection {
    /// The rows of `query`, read whole.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }

    /// The first row of `query`, or nil.
    func firstRow(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRow? {
        try await rows(query, logger: logger).first
    }
}
