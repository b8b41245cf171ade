import Foundation
import Synchronization

/// The decoded committed logs of the sessions a ledger read or wrote last, so that a context
/// build reads only the rows committed after the ones it holds (docs/schema.md, "The history
/// cache").
///
/// A committed log never changes below its end: the schema's triggers refuse an update or a
/// delete of a log row, and a purge deletes a whole session. So a session's log up to seq N,
/// once read, stays its log up to N, and it is used only when the hash chain's stored hash at N,
/// read in the same read transaction, is the one kept with it. The chain covers every field of
/// every entry up to N, so a purged session whose key another session took, or a chain that
/// changed, makes the log be read whole again; rows written around the library have no hash until
/// the library's next write chains them, and are not kept before.
///
/// Bounded by an estimate of the bytes its entries hold (``LedgerConfiguration/historyCacheBytes``);
/// the least recently used sessions go first.
final class HistoryCache: Sendable {
    /// A session's committed log, rewind markers included, and the stored hash at its last seq.
    struct Log: Sendable {
        var entries: [Entry]
        var hash: Data
        var seq: Int { entries.last?.seq ?? 0 }
    }

    fileprivate struct Slot {
        var sessionID: String
        var log: Log
        var bytes: Int
        var used: UInt64
    }

    fileprivate struct State {
        var slots: [Int64: Slot] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        /// The sessions read lately that a full cache did not take in (at most `missesKept`).
        var missed: Set<Int64> = []
    }

    /// How many sessions a full cache remembers having turned away.
    fileprivate static let missesKept = 4_096

    /// What the cache holds, and how many reads used a cached log.
    struct Statistics: Equatable {
        var sessions: Int
        var bytes: Int
        var hits: Int
    }

    /// The most bytes (estimated) the cached logs hold; 0 keeps none.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var isEnabled: Bool { capacity > 0 }

    /// The cached log of `session`, if any.
    func log(of session: SessionRef) -> Log? {
        guard isEnabled else { return nil }
        return state.withLock { state in
            guard let slot = state.slots[session.key], slot.sessionID == session.id else { return nil }
            state.clock += 1
            state.slots[session.key]?.used = state.clock
            return slot.log
        }
    }

    /// Counts a read that used the cached log (its hash held).
    func countHit() {
        state.withLock { $0.hits += 1 }
    }

    var statistics: Statistics {
        state.withLock { Statistics(sessions: $0.slots.count, bytes: $0.bytes, hits: $0.hits) }
    }

    /// Keeps `log` as the session's, read in a transaction whose stored hash at its end it holds,
    /// unless the cache holds a longer one (or this one). A session the cache does not hold enters
    /// at once while there is room; in a full cache only on its second read in a while (it then
    /// pushes out the least recently used): a read of every session in turn (a scan, an export of
    /// contexts) would otherwise push out, one by one, the sessions it is about to read, and hit none.
    func store(_ log: Log, of session: SessionRef) {
        guard isEnabled, !log.entries.isEmpty else { return }
        let size = log.entries.reduce(0) { $0 + $1.estimatedBytes }
        state.withLock { state in
            if let slot = state.slots[session.key], slot.sessionID == session.id {
                // A longer log is newer; one as long with another hash is one the chain no longer has.
                guard slot.log.seq < log.seq || (slot.log.seq == log.seq && slot.log.hash != log.hash) else { return }
            } else if state.bytes + size > capacity, !state.missedBefore(session.key) {
                return
            }
            state.put(log, of: session, bytes: size, within: capacity)
        }
    }

    /// Extends the session's cached log by the entries a write just committed, or a read found
    /// after the cached ones (in seq order), which moved the hash chain as `chain` says: when the chain stood at the cached log's hash
    /// before them (so the cached log is the one they extend), or when they start the log.
    /// Otherwise (the cache missed a write, or never held the session, or holds a log another
    /// session had under this key) it is left as it is, and the next read reads what it lacks.
    func extend(_ session: SessionRef, with entries: [Entry], chain: ChainStep) {
        guard isEnabled, let first = entries.first else { return }
        let added = entries.reduce(0) { $0 + $1.estimatedBytes }
        state.withLock { state in
            if let slot = state.slots[session.key], slot.sessionID == session.id, slot.log.seq == first.seq - 1,
                slot.log.hash == chain.before
            {
                var slot = state.remove(session.key)!  // out of the dictionary, so the append does not copy
                slot.log.entries += entries
                slot.log.hash = chain.after
                state.put(slot.log, of: session, bytes: slot.bytes + added, within: capacity)
            } else if first.seq == 1 {
                state.put(Log(entries: entries, hash: chain.after), of: session, bytes: added, within: capacity)
            }
        }
    }
}

extension HistoryCache.State {
    /// Whether the session was turned away before since the list was last cleared; remembers it
    /// otherwise.
    fileprivate mutating func missedBefore(_ key: Int64) -> Bool {
        if missed.remove(key) != nil { return true }
        if missed.count >= HistoryCache.missesKept { missed.removeAll(keepingCapacity: true) }
        missed.insert(key)
        return false
    }

    @discardableResult
    fileprivate mutating func remove(_ key: Int64) -> HistoryCache.Slot? {
        guard let slot = slots.removeValue(forKey: key) else { return nil }
        bytes -= slot.bytes
        return slot
    }

    /// Puts `log`, which holds about `size` bytes, in the session's slot, then, past `capacity`,
    /// drops the least recently used slots down to three quarters of it (so that a full cache does
    /// not sort on every write).
    fileprivate mutating func put(_ log: HistoryCache.Log, of session: SessionRef, bytes size: Int, within capacity: Int) {
        remove(session.key)
        guard size <= capacity else { return }
        clock += 1
        slots[session.key] = HistoryCache.Slot(sessionID: session.id, log: log, bytes: size, used: clock)
        bytes += size
        guard bytes > capacity else { return }
        for (key, _) in slots.sorted(by: { $0.value.used < $1.value.used }) where bytes > capacity / 4 * 3 {
            remove(key)
        }
    }
}

extension Entry {
    /// About the bytes an entry takes in memory: its place in an array that grew by doubling, and
    /// its texts and arrays with their heap headers (texts of 15 bytes or less are held inline).
    fileprivate var estimatedBytes: Int {
        var bytes = 2 * MemoryLayout<Entry>.stride + Self.heapBytes(sessionId) + Self.heapBytes(toolCallId ?? "")
        bytes += 32 + parts.count * MemoryLayout<ContentPart>.stride
        for part in parts {
            switch part {
            case .text(let text): bytes += Self.heapBytes(text)
            case .image(let url): bytes += Self.heapBytes(url)
            case .opaque(let provider, let json): bytes += Self.heapBytes(provider) + Self.heapBytes(json)
            }
        }
        if !toolCalls.isEmpty { bytes += 32 + toolCalls.count * MemoryLayout<ToolCall>.stride }
        for call in toolCalls {
            bytes += Self.heapBytes(call.id) + Self.heapBytes(call.name) + Self.heapBytes(call.arguments)
        }
        return bytes
    }

    /// A text's heap allocation: none up to 15 UTF-8 bytes, else a header and the bytes, rounded
    /// up to malloc's 16.
    private static func heapBytes(_ text: String) -> Int {
        let count = text.utf8.count
        return count <= 15 ? 0 : (32 + count + 1 + 15) / 16 * 16
    }
}
