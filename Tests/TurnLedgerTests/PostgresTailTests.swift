import Foundation
import Testing
import TurnLedger

/// Tails across services on one PostgreSQL database: a commit made through one ledger (another
/// service) wakes the tails of another at once, through `LISTEN`/`NOTIFY`, not at the tail's own
/// read every 5 seconds.
@Suite struct PostgresTailTests {
    /// The tail's own read comes 5 s after its last one; an event sooner than this was woken by
    /// the notification.
    static let soonerThanTheTailsOwnRead = Duration.seconds(4)

    @Test func anotherServicesCommitWakesTheTailAtOnce() async throws {
        let first = try await EngineLedger.open(.postgres)
        defer { first.remove() }
        let other = try await Ledger.open(configuration: LedgerConfiguration(path: first.store, maxStoreConnections: 2))
        defer { try? other.close() }
        try await first.ledger.createSession(id: "s1")
        try await first.ledger.append([.text("here")], role: .user, to: "s1")
        var events = try await first.ledger.tail("s1", after: 0, heartbeat: .seconds(60)).makeAsyncIterator()
        guard case .entry(let read) = try await events.next() else { Issue.record("no first entry"); return }
        #expect(read.seq == 1)  // the tail's first read is done; it now waits

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
        let first = try await EngineLedger.open(.postgres)
        defer { first.remove() }
        let other = try await Ledger.open(configuration: LedgerConfiguration(path: first.store, maxStoreConnections: 2))
        defer { try? other.close() }
        try await first.ledger.createSession(id: "gone")
        try await first.ledger.append([.text("soon purged")], role: .user, to: "gone")
        var events = try await first.ledger.tail("gone", after: 0, heartbeat: .seconds(60)).makeAsyncIterator()
        guard case .entry = try await events.next() else { Issue.record("no first entry"); return }

        let sent = ContinuousClock.now
        try await other.purge("gone", reason: "erasure request", requestedBy: "test")
        #expect(try await events.next() == .purged)
        #expect(ContinuousClock.now - sent < Self.soonerThanTheTailsOwnRead)
        #expect(try await events.next() == nil)
    }
}
