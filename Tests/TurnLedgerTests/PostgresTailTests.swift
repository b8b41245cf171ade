import Foundation
import Testing
import TurnLedger

/// Tails across services on one PostgreSQL database: a commit made through one ledger (another
/// service) wakes the tails of another through `LISTEN`/`NOTIFY`, not at the tail's own read.
@Suite struct PostgresTailTests {
    /// The tail's own read comes this long after its last one (and its heartbeat too) ...
    static let tailsOwnRead = Duration.seconds(120)
    /// ... so an event sooner than this was woken by the notification.
    static let soonerThanTheTailsOwnRead = Duration.seconds(60)

    /// A ledger (`first`) with a session `id` of one entry and a tail of it past that entry's read,
    /// and another ledger on the same database (another service).
    private func twoServices(session id: String) async throws
        -> (first: EngineLedger, other: Ledger, events: LogTail.AsyncIterator)
    {
        let first = try await EngineLedger.open(.postgres) { $0.tailPollInterval = Self.tailsOwnRead }
        let other = try await Ledger.open(configuration: LedgerConfiguration(path: first.store, maxStoreConnections: 2))
        try await first.ledger.createSession(id: id)
        try await first.ledger.append([.text("here")], role: .user, to: id)
        var events = try await first.ledger.tail(id, after: 0, heartbeat: Self.tailsOwnRead).makeAsyncIterator()
        guard case .entry(let read) = try await events.next(), read.seq == 1 else {
            throw Failure(description: "the tail did not hand out the first entry")
        }
        return (first, other, events)  // the tail's first read is done; it now waits
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @Test func anotherServicesCommitWakesTheTailAtOnce() async throws {
        var (first, other, events) = try await twoServices(session: "s1")
        defer { first.remove() }
        defer { try? other.close() }

        let sent = ContinuousClock.now
        try await other.append([.text("from another service")], role: .user, to: "s1")
        let event = try await events.next()
        let waited = ContinuousClock.now - sent
        guard case .entry(let entry) = event else { Issue.record("\(String(describing: event))"); return }
        #expect(entry.seq == 2 && entry.parts == [.text("from another service")])
        #expect(waited < Self.soonerThanTheTailsOwnRead, "woken after \(waited)")

        try await other.openTurn(in: "s1", calls: [Fixtures.weather])
        try await other.recordResult([.text("18°C")], for: Fixtures.weather.id, in: "s1")
        try await other.commitTurn(in: "s1")
        var turn: [Int] = []
        while turn.count < 2, case .entry(let entry) = try await events.next() { turn.append(entry.seq) }
        #expect(turn == [3, 4])
    }

    @Test func anotherServicesPurgeEndsTheTail() async throws {
        var (first, other, events) = try await twoServices(session: "gone")
        defer { first.remove() }
        defer { try? other.close() }

        let sent = ContinuousClock.now
        try await other.purge("gone", reason: "erasure request", requestedBy: "test")
        #expect(try await events.next() == .purged)
        #expect(ContinuousClock.now - sent < Self.soonerThanTheTailsOwnRead)
        #expect(try await events.next() == nil)
    }

    @Test func aTailPollIntervalOfZeroIsRefusedByName() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = cluster.url(try await cluster.createDatabase())
        await #expect(throws: LedgerError.invalidInput(field: "tailPollInterval", reason: "must be more than 0, not 0.0 seconds")) {
            _ = try await Ledger.open(configuration: LedgerConfiguration(path: url, tailPollInterval: .zero))
        }
    }
}
