import Crypto
import Foundation

/// The hash chain of the log: its canonical bytes chained with SHA-256, the same on either engine
/// (each engine extends it in the transaction that appends the rows it covers).
enum LogIndex {
    /// The hash before a session's first own seq when it has no parent.
    static let genesis = Data(repeating: 0, count: 32)

    /// The first seq of a session's own rows where the chain recomputed from `items` (its rows in
    /// seq order, after the hash `previous`) differs from the `stored` hashes, or a stored hash no
    /// row has; nil when they agree. What `verify` reports, on either engine.
    static func firstBreak(of items: [LogItem], after previous: Data, stored: [Int: Data]) -> Int? {
        var previous = previous
        var firstBroken: Int?
        var seen = Set<Int>()
        for item in items {
            seen.insert(item.seq)
            previous = chain(previous, item)
            if stored[item.seq] != previous {
                firstBroken = item.seq
                break
            }
        }
        if let orphan = stored.keys.filter({ !seen.contains($0) }).min(), orphan < firstBroken ?? Int.max {
            firstBroken = orphan
        }
        return firstBroken
    }

    /// The hash after `item`, given the hash before it.
    static func chain(_ previous: Data, _ item: LogItem) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: item.canonical)
        return Data(hasher.finalize())
    }
}
