import Foundation
import GRDB

/// A ledger's SQLite file, through GRDB: the default engine. Every write goes through the write
/// pipeline (group commit for concurrent writers); every read is one read transaction (a snapshot).
///
/// Every access goes through ``write(_:)`` or ``read(_:)``, so that a storage failure (a lock
/// held past the busy timeout, a full disk, an I/O error) reaches the caller as a ``LedgerError``
/// that says what happened, never as a raw SQLite message.
struct SQLiteStore: LedgerStore {
    let writer: any DatabaseWriter
    /// Every write goes through it: group commit for concurrent writers.
    let pipeline: WritePipeline
    /// The decoded logs of the sessions read or written last: a context build reads only the rows after them.
    let historyCache: HistoryCache
    /// Where the sessions written last stand: an append, a turn opened, a result or a commit reads none of it back.
    let cursor: WriteCursor
    /// Connections for reads on the calling thread (``readHere(_:)``).
    let inlineReaders: InlineReaders
    let configuration: LedgerConfiguration

    var engineName: String { "SQLite" }

    /// Never: every writer of the file announces its commits in its process, and the heartbeat's
    /// read finds another process's rows.
    var tailPollInterval: Duration? { nil }

    /// Nothing to do: the ledger that wrote woke its tails; another process's tails of the same
    /// file find the rows at their heartbeat's read.
    func announceCommit(_ key: Int64, purged: Bool) async {}

    /// Opens (creating if needed) the file a configuration names, and migrates it.
    static func open(_ configuration: LedgerConfiguration) throws -> SQLiteStore {
        let started = ContinuousClock.now
        let pool = try openPool(configuration, since: started)
        do {
            return try SQLiteStore(pool, configuration: configuration)
        } catch let error as DatabaseError {
            throw configuration.storageError(error, waitingSince: started)
        }
    }

    /// Migrates `writer` (checking first that this version may touch it) and keeps it.
    init(_ writer: any DatabaseWriter, configuration: LedgerConfiguration) throws {
        self.writer = writer
        self.configuration = configuration
        let cursor = WriteCursor()
        self.cursor = cursor
        self.pipeline = WritePipeline(busyTimeout: configuration.busyTimeout, whenRolledBack: cursor.clear)
        self.historyCache = HistoryCache(capacity: configuration.historyCacheBytes)
        self.inlineReaders = InlineReaders(writer)
        let migrator = DatabaseMigrator.ledger
        try writer.read { db in try migrator.checkCompatibility(db) }
        try migrator.migrateAlongsideOtherProcesses(writer)
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

    func close() throws {
        try inlineReaders.close()
        try (writer as? DatabasePool)?.close()
    }

    /// One write, through the write pipeline: alone in an IMMEDIATE transaction, or beside
    /// concurrent writes in one transaction, each in its own savepoint (``WritePipeline``). It
    /// returns once that transaction has committed; when it throws, nothing of it was stored.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await mappingStorageErrors { try await pipeline.write(on: writer, updates) }
    }

    /// One write through ``write(_:)`` that uses the ``WriteCursor``, which `updates` is given.
    func writeUsingCursor<T: Sendable>(_ updates: @escaping @Sendable (Database, WriteCursor) throws -> T) async throws
        -> T
    {
        let cursor = cursor
        return try await write { db in try cursor.using(db) { try updates(db, cursor) } }
    }

    /// One read transaction: a snapshot of committed rows.
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        try await mappingStorageErrors { try await writer.read(value) }
    }

    /// One read transaction, on the calling thread when one of the ``InlineReaders`` is free,
    /// else through the pool as ``read(_:)``: for reads whose cost is decoding what they return
    /// (histories), CPU work of the order of what the caller does next with it on that thread,
    /// where the hop to a reader's queue and back costs as much as the read.
    func readHere<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        try await mappingStorageErrors {
            if let result = try inlineReaders.read(value) { return result }
            return try await writer.read(value)
        }
    }

    private func mappingStorageErrors<T>(_ access: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            return try await access()
        } catch let error as DatabaseError {
            throw configuration.storageError(error, waitingSince: started)
        }
    }
}

extension LedgerConfiguration {
    /// The ledger's error for a storage failure; any other database error as it is (the
    /// constraint errors the library expects are turned into ledger errors where they arise).
    /// - Parameter started: When the access began: `store_busy` reports how long it waited.
    func storageError(_ error: DatabaseError, waitingSince started: ContinuousClock.Instant) -> any Error {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            let waited = ContinuousClock.now - started
            return LedgerError.storeBusy(waited: .milliseconds((waited / .milliseconds(1)).rounded()))
        case .SQLITE_FULL:
            return LedgerError.storageFull(path: path)
        case .SQLITE_IOERR, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM,
            .SQLITE_NOMEM, .SQLITE_PROTOCOL:
            return LedgerError.storageFailed(
                path: path, sqliteCode: error.extendedResultCode.rawValue, message: error.message ?? "\(error)")
        default:
            return error
        }
    }
}
