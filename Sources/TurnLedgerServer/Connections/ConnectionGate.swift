import Synchronization

/// Counts the connections open at once and admits new ones up to a limit.
final class ConnectionGate: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection in, or returns false (counting nothing) when `limit` are open.
    func enter() -> Bool {
        if open.add(1, ordering: .relaxed).newValue <= limit { return true }
        open.subtract(1, ordering: .relaxed)
        return false
    }

    func leave() {
        open.subtract(1, ordering: .relaxed)
    }
}
