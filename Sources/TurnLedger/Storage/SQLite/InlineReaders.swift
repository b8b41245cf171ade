import Foundation
import GRDB
import Synchronization

/// Read-only connections to the ledger's file on which a read runs on the calling thread.
///
/// An `async` read through the pool hops to a reader's queue and back: two thread wake-ups,
/// which cost more than a context build's read of a cached log, and about as much as decoding a
/// whole one. A read here runs where its caller runs, in its own read transaction (a snapshot,
/// as the pool's are).
///
/// A connection is taken without waiting: when all are in use, ``read(_:)`` answers nil and the
/// caller reads through the pool. So a task never blocks its thread on another's read (the
/// pool's synchronous read would wait for a free reader, and with Swift's cooperative threads all
/// waiting, the `async` reads holding the readers could never resume to release them). There are
/// as many connections as cooperative threads, opened when first needed.
final class InlineReaders: Sendable {
    private struct State {
        var idle: [DatabaseQueue] = []
        var opened = 0
        var closed = false
        /// Set when a connection could not be opened: reads go through the pool from then on.
        var unavailable = false
    }

    private let state = Mutex(State())
    private let limit: Int
    /// Opens one more connection; nil when the writer is not a pool on a file.
    private let open: (@Sendable () throws -> DatabaseQueue)?

    /// Connections to the file of `pool`, with its configuration, read-only; none when the
    /// writer is not a pool on a file.
    init(_ writer: any DatabaseWriter, limit: Int = ProcessInfo.processInfo.activeProcessorCount) {
        guard let pool = writer as? DatabasePool else {
            self.limit = 0
            self.open = nil
            return
        }
        var configuration = pool.configuration
        configuration.readonly = true
        configuration.label = "TurnLedger.inline"
        let path = pool.path
        self.limit = max(0, limit)
        self.open = { [configuration] in try DatabaseQueue(path: path, configuration: configuration) }
    }

    /// `value` in a read transaction on a connection of its own, on this thread; nil at once when
    /// every connection is in use (or none can be had), for the caller to read through the pool.
    func read<T>(_ value: (Database) throws -> T) throws -> T? {
        guard let connection = take() else { return nil }
        defer { give(connection) }
        return try connection.read(value)
    }

    /// How many connections are open.
    var connections: Int { state.withLock { $0.closed ? 0 : $0.opened } }

    func close() throws {
        let idle = state.withLock { state in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle { try connection.close() }
    }

    private func take() -> DatabaseQueue? {
        enum Taken {
            case idle(DatabaseQueue)
            case new
            case none
        }
        let taken = state.withLock { state -> Taken in
            guard !state.closed, !state.unavailable else { return .none }
            if let connection = state.idle.popLast() { return .idle(connection) }
            guard state.opened < limit else { return .none }
            state.opened += 1
            return .new
        }
        switch taken {
        case .idle(let connection): return connection
        case .none: return nil
        case .new:
            if let open, let connection = try? open() { return connection }
            state.withLock { state in
                state.opened -= 1
                state.unavailable = true
            }
            return nil
        }
    }

    private func give(_ connection: DatabaseQueue) {
        let keep = state.withLock { state in
            guard !state.closed else { return false }
            state.idle.append(connection)
            return true
        }
        if !keep { try? connection.close() }
    }
}
