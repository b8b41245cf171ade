import Foundation
import Testing

@testable import TurnLedger

/// The library's live tail: woken by the writer's announcement of each commit, never polling.
@Suite struct LogTailTests {
    /// The next `count` entries of a tail (skipping quiet events).
    private func next(_ count: Int, of iterator: inout LogTail.AsyncIterator) async throws -> [Entry] {
        var entries: [Entry] = []
        while entries.count < count, let event = try await iterator.next() {
            if case .entry(let entry) = event { entries.append(entry) }
        }
        return entries
    }

    @Test(arguments: Engine.allCases) func aTailHandsOutTheLogThenEachCommitTurnsWhole(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Scenario.parallelCallsWithAnError(ledger)  // seqs 1...6, the turn at 3...5
        let tail = try await ledger.tail("s1", after: 0)
        var events = tail.makeAsyncIterator()
        #expect(try await next(6, of: &events).map(\.seq) == Array(1...6))

        try await ledger.append([.text("again")], role: .user, to: "s1")
        #expect(try await next(1, of: &events).map(\.parts) == [[.text("again")]])
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await ledger.recordResult([.text("b")], for: Fixtures.wikipedia.id, in: "s1")
        try await ledger.recordResult([.text("a")], for: Fixtures.weather.id, in: "s1")
        try await ledger.commitTurn(in: "s1")
        let turn = try await next(3, of: &events)
        #expect(turn.map(\.seq) == [8, 9, 10] && turn.map(\.role) == [.assistant, .tool, .tool])
        tail.stop()
        while try await events.next() != nil {}  // it ends
        try await Task.sleep(for: .milliseconds(50))
        #expect(ledger.feed.watchedCount == 0)  // a stopped tail leaves nothing behind
    }

    @Test(arguments: Engine.allCases) func aTailResumedInsideATurnGoesOnWithTheRestOfIt(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        try await temp.ledger.fork("s1", at: 5, as: "f")
        try await temp.ledger.append([.text("on the fork")], role: .user, to: "f")
        var events = try await temp.ledger.tail("s1", after: 4).makeAsyncIterator()
        #expect(try await next(2, of: &events).map(\.seq) == [5, 6])
        var fork = try await temp.ledger.tail("f", after: 3).makeAsyncIterator()  // inside an inherited turn
        #expect(try await next(3, of: &fork).map(\.seq) == [4, 5, 6])
        // A page after a seq inside a turn reads the same way (one library call for both).
        let page = try await temp.ledger.entries(in: "s1", after: 3, limit: 1)
        #expect(page.entries.map(\.seq) == [4, 5, 6] && page.nextAfter == nil)
        #expect(try await temp.ledger.entries(in: "s1", after: 2, limit: 1).entries.map(\.seq) == [3, 4, 5])
    }

    @Test(arguments: Engine.allCases) func aPurgeEndsTheTailAndAQuietLogSaysSo(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        var events = try await temp.ledger.tail("s1", after: 2, heartbeat: .milliseconds(100))
            .makeAsyncIterator()
        #expect(try await events.next() == .quiet)  // nothing committed for the heartbeat
        try await temp.ledger.purge("s1", reason: "asked", requestedBy: "test")
        var rest: [TailEvent] = []
        while let event = try await events.next() { rest.append(event) }
        #expect(rest.last == .purged && !rest.contains { if case .entry = $0 { true } else { false } })
        try await Task.sleep(for: .milliseconds(50))
        #expect(temp.ledger.feed.watchedCount == 0)
    }

    @Test(arguments: Engine.allCases) func aTailOfAnUnknownSessionOrAnotherTenantsThrowsBeforeItStarts(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "a1", tenant: "acme")
        await #expect(throws: LedgerError.sessionNotFound("nobody")) { try await temp.ledger.tail("nobody", after: 0) }
        await #expect(throws: LedgerError.sessionNotFound("a1")) {
            try await temp.ledger.scoped(to: .tenant("globex")).tail("a1", after: 0)
        }
        await #expect(throws: LedgerError.self) { try await temp.ledger.tail("a1", after: -1) }
        #expect(temp.ledger.feed.watchedCount == 0)
    }
}
