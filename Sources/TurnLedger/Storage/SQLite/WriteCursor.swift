import Foundation
import GRDB
import Synchronization

/// What the writer connection learned of the sessions it wrote last, so that the next write to
/// one of them reads none of it back: the session's key, the seq its next entry takes, whether it
/// has an open turn and that turn's staged rows, and the head of its hash chain (docs/schema.md,
/// "The write cursor").
///
/// It holds only while nothing but the writes that keep it changed the file. Every write that
/// uses it first compares two counters of the writer connection with what they were at the end of
/// the last such write, and starts from nothing when either moved:
/// - `PRAGMA data_version`, which moves when another connection (of this process or another)
///   commits;
/// - `sqlite3_total_changes()`, which moves with every row this connection inserts, updates or
///   deletes, through any statement or trigger: every other write of the library (creating,
///   forking, purging or importing sessions, cancelling or recovering turns, rewinds) moves it.
///
/// A write that uses it and fails forgets everything, and so does every transaction that rolls
/// back (``WritePipeline``), because a rollback undoes rows without moving either counter.
/// The triggers check every placement the cursor gives, as they check every other.
final class WriteCursor: Sendable {
    /// Where a session's log stands, as the last write to it left it.
    struct Position: Sendable {
        /// The seq its next entry takes (an open turn takes it too).
        var next: Int
        /// Whether it has an open turn.
        var turnOpen: Bool
        /// The chain's hash at `next - 1`, when the write knew it.
        var head: Data?
        /// The open turn's staged rows, when the writes that staged them kept them.
        var staging: Staging?

        /// The chain's head as ``LogIndex/extend(_:_:with:knownHead:)`` takes it.
        var knownHead: (seq: Int, hash: Data)? { head.map { (next - 1, $0) } }
    }

    /// An open turn's rows as its writes inserted them: what reading `openTurn`, `openCall` and
    /// `openResult` back would give.
    struct Staging: Sendable {
        var record: OpenTurnRecord
        /// In position order.
        var calls: [OpenCallRecord]
        /// In position order.
        var results: [OpenResultRecord]
    }

    private struct Name: Hashable {
        var scope: TenantScope
        var id: String
    }

    private struct Contents {
        /// The counters at the end of the last write that used the cursor; nil: nothing is known.
        var stamp: (dataVersion: Int, totalChanges: Int)?
        var sessions: [Name: SessionRef] = [:]
        var positions: [Int64: Position] = [:]

        mutating func clear() { self = Contents() }
    }

    /// Past this many sessions, the cursor starts again from nothing (about 150 bytes each, and an
    /// open turn's staged rows).
    static let capacity = 10_000

    private let contents = Mutex(Contents())

    /// Runs `body`, a write inside the writer's transaction that uses the cursor: the cursor is
    /// emptied first when the file changed since its last such write, and when `body` throws.
    func using<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let dataVersion = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        contents.withLock { contents in
            if let stamp = contents.stamp,
                stamp.dataVersion != dataVersion || stamp.totalChanges != db.totalChangesCount
            {
                contents.clear()
            }
        }
        do {
            let value = try body()
            contents.withLock { $0.stamp = (dataVersion, db.totalChangesCount) }
            return value
        } catch {
            clear()
            throw error
        }
    }

    /// Forgets everything.
    func clear() { contents.withLock { $0.clear() } }

    /// The session `scope` names `id`, as the last lookup found it, or looked up now.
    func session(_ db: Database, _ scope: TenantScope, _ id: String) throws -> SessionRef {
        let name = Name(scope: scope, id: id)
        if let known = contents.withLock({ $0.sessions[name] }) { return known }
        let session = try scope.session(db, id)
        contents.withLock { contents in
            if contents.sessions.count >= Self.capacity { contents.clear() }
            contents.sessions[name] = session
        }
        return session
    }

    /// Where the session's log stands, when a write of this cursor left it known.
    func position(of session: SessionRef) -> Position? {
        contents.withLock { $0.positions[session.key] }
    }

    /// Records where the session's log stands after the running write; nil: unknown.
    func set(_ position: Position?, of session: SessionRef) {
        contents.withLock { contents in
            if contents.positions.count >= Self.capacity { contents.clear() }
            contents.positions[session.key] = position
        }
    }
}
