import Foundation
import Synchronization

/// Tells the tails of a session when a write committed rows to its log, so that a tail waits
/// for that instead of polling. Writers announce after their transaction committed; only
/// watched sessions are kept, so announcing costs a lock and a lookup when nobody watches.
final class LogFeed: Sendable {
    private struct Watch {
        var watchers = 0
        /// Moves on every announced commit.
        var version: UInt64 = 0
        var purged = false
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private let watches = Mutex<[Int64: Watch]>([:])

    /// How many sessions have a tail now (tests check that closed tails leave nothing behind).
    var watchedCount: Int { watches.withLock { $0.count } }

    /// Starts watching a session: call before reading its log, so no commit after the read goes
    /// unannounced.
    func watch(_ key: Int64) {
        watches.withLock { $0[key, default: Watch()].watchers += 1 }
    }

    func unwatch(_ key: Int64) {
        watches.withLock { watches in
            guard var watch = watches[key] else { return }
            watch.watchers -= 1
            watches[key] = watch.watchers > 0 ? watch : nil
        }
    }

    /// The session's version now, and whether it was purged.
    func state(_ key: Int64) -> (version: UInt64, purged: Bool) {
        watches.withLock { watches in (watches[key]?.version ?? 0, watches[key]?.purged ?? false) }
    }

    /// A commit added rows to the session's log (or, with `purged`, removed the session).
    func announce(_ key: Int64, purged: Bool = false) {
        let waiters = watches.withLock { watches -> [CheckedContinuation<Void, Never>] in
            guard var watch = watches[key] else { return [] }
            watch.version &+= 1
            watch.purged = watch.purged || purged
            let waiting = Array(watch.waiters.values)
            watch.waiters = [:]
            watches[key] = watch
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the session's version moves past `version`, `timeout` passes, or the task is
    /// cancelled. Returns whether it moved.
    func wait(_ key: Int64, beyond version: UInt64, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForAnnouncement(key, beyond: version) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func waitForAnnouncement(_ key: Int64, beyond version: UInt64) async -> Bool {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let resumeNow = watches.withLock { watches -> Bool in
                    guard var watch = watches[key], watch.version == version, !Task.isCancelled else { return true }
                    watch.waiters[id] = waiter
                    watches[key] = watch
                    return false
                }
                if resumeNow { waiter.resume() }
            }
        } onCancel: {
            let waiter = watches.withLock { watches -> CheckedContinuation<Void, Never>? in
                watches[key]?.waiters.removeValue(forKey: id)
            }
            waiter?.resume()
        }
        return state(key).version != version
    }
}
