import GRDB

/// Every access to the database goes through these two methods, so that a storage failure
/// (a lock held past the busy timeout, a full disk, an I/O error) reaches the caller as a
/// ``LedgerError`` that says what happened, never as a raw SQLite message.
extension Ledger {
    /// One write, through the write pipeline: alone in an IMMEDIATE transaction, or beside
    /// concurrent writes in one transaction, each in its own savepoint (``WritePipeline``). It
    /// returns once that transaction has committed; when it throws, nothing of it was stored.
    ///
    /// - Parameter operation: The public operation, named in ``LedgerError/notOnThisEngine(operation:engine:)``
    ///   on an engine it does not run on yet.
    func write<T: Sendable>(
        _ operation: String = #function, _ updates: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let writer = try sqliteWriter(for: operation)
        return try await mappingStorageErrors { try await pipeline.write(on: writer, updates) }
    }

    /// One read transaction: a snapshot of committed rows.
    func read<T: Sendable>(_ operation: String = #function, _ value: @Sendable (Database) throws -> T) async throws
        -> T
    {
        let writer = try sqliteWriter(for: operation)
        return try await mappingStorageErrors { try await writer.read(value) }
    }

    /// The SQLite database, for tests that look at it directly; nil on PostgreSQL.
    var sqliteDatabase: (any DatabaseWriter)? {
        if case .sqlite(let writer) = engine { writer } else { nil }
    }

    /// The SQLite database; an operation that has no PostgreSQL version yet fails, reading nothing.
    private func sqliteWriter(for operation: String) throws -> any DatabaseWriter {
        switch engine {
        case .sqlite(let writer): return writer
        case .postgres: throw LedgerError.notOnThisEngine(operation: Self.operationName(operation), engine: engine.name)
        }
    }

    /// `append(_:role:to:expectedSeq:idempotencyKey:usage:)` as `append`.
    private static func operationName(_ function: String) -> String {
        String(function.prefix { $0 != "(" })
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
