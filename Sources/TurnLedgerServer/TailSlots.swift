import HTTPTypes
import Synchronization
import TurnLedger

/// How many live tails each tenant has open, against ``ServerConfiguration/maxTailsPerTenant``.
final class TailSlots: Sendable {
    private let open = Mutex<[String: Int]>([:])
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a slot for `tenant` (nil: the open service), or throws `429 too_many_tails`.
    func take(for tenant: String?) throws -> Slot {
        let key = tenant ?? ""
        let taken = open.withLock { open -> Bool in
            guard open[key, default: 0] < limit else { return false }
            open[key, default: 0] += 1
            return true
        }
        guard taken else {
            throw APIError(
                status: .tooManyRequests, code: "too_many_tails",
                message: "This tenant has \(limit) live tails open, the most it may; close one first.",
                details: ["limit": .number(Double(limit))])
        }
        return Slot(slots: self, key: key)
    }

    fileprivate func release(_ key: String) {
        open.withLock { open in
            open[key, default: 1] -= 1
            if open[key] == 0 { open[key] = nil }
        }
    }

    /// One open tail's slot; given back once with ``release()``.
    struct Slot: Sendable {
        fileprivate let slots: TailSlots
        fileprivate let key: String

        func release() { slots.release(key) }
    }
}
