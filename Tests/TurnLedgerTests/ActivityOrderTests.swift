import Foundation
import Testing
@testable import TurnLedger

/// Listing sessions by activity stays exact on SQLite although a write to the session already
/// listed first changes nothing of its row (docs/schema.md, "Activity"). Each check compares the
/// listing with the activity times the writes themselves returned.
@Suite struct ActivityOrderTests {
    @Test(arguments: Engine.allCases) func listingFollowsTheActivityOfInterleavedWrites(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        var writer = ActivityWriter(ledger: temp.ledger)
        var random = SplitMix64(seed: 13)
        let ids = (0..<5).map { "s\($0)" }
        for id in ids { try await writer.create(id) }
        for step in 0..<150 {
            // Runs of writes to one session, as an agent makes them, broken by writes to others.
            let id = ids[Int(random.next() % UInt64(random.next() % 3 == 0 ? ids.count : 2))]
            try await writer.write(to: id, choosing: random.next())
            try await writer.expectListingExact(step: step)
            if step % 10 == 9 {
                let pivot = try #require(writer.activity[ids[Int(random.next() % UInt64(ids.count))]])
                try await writer.expectFiltersExact(at: pivot, step: step)
            }
        }
    }

    /// An import gives its sessions the activity times they were exported with, which may fall
    /// between the listed and the actual activity time of the session listed first.
    @Test(arguments: Engine.allCases) func anImportedSessionIsListedByItsExportedActivity(_ engine: Engine) async throws {
        let target = try await EngineLedger.open(engine)
        let source = try TemporaryLedger()
        defer { target.remove(); source.remove() }
        var writer = ActivityWriter(ledger: target.ledger)
        try await writer.create("busy")
        try await writer.write(to: "busy", choosing: 0)  // listed first, so its row stays as created
        writer.note(try await source.ledger.createSession(id: "imported").createdAt, for: "imported")
        try await Task.sleep(for: .milliseconds(3))
        try await writer.write(to: "busy", choosing: 0)
        let file = source.directory.appendingPathComponent("export.jsonl")
        try await source.ledger.export(to: file)

        try await target.ledger.importExport(from: file)

        let listed = try await target.ledger.sessions(matching: SessionQuery()).sessions.map(\.session.id)
        #expect(listed == ["busy", "imported"])
        try await writer.expectListingExact(step: 0)
    }
}

/// A database from before migration 0012 keeps its sessions' activity and their order.
@Suite struct ActivityOrderMigrationTests {
    @Test func aDatabaseAt0011ListsItsSessionsAsBefore() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let old = temp.directory.appendingPathComponent("0011.sqlite").path
        try await EarlierDatabase.create(
            at: old, migrations: 11,
            rows: """
                INSERT INTO session (id, createdAt) VALUES
                    ('quiet', '2026-01-01 00:00:00.000'), ('late', '2026-01-02 00:00:00.000');
                INSERT INTO entry (sessionKey, seq, role, parts, createdAt)
                SELECT key, 1, 'user', '[{"type":"text","text":"hi"}]', '2026-01-03 00:00:00.000'
                FROM session WHERE id = 'quiet';
                """)
        let ledger = try Ledger(path: old)

        let before = try await ledger.sessions(matching: SessionQuery()).sessions
        try await ledger.append([.text("back")], role: .user, to: "late")
        let after = try await ledger.sessions(matching: SessionQuery()).sessions

        #expect(before.map(\.session.id) == ["quiet", "late"])
        #expect(before.map { Timestamp.format($0.lastActivityAt) } == ["2026-01-03 00:00:00.000", "2026-01-02 00:00:00.000"])
        #expect(after.map(\.session.id) == ["late", "quiet"])
    }
}

/// Writes to sessions and remembers each one's activity: the latest time a write returned for it.
private struct ActivityWriter {
    let ledger: Ledger
    private(set) var activity: [String: Date] = [:]
    /// The calls still waiting for a result, per session with an open turn.
    private var waiting: [String: [ToolCall]] = [:]
    private var calls = 0

    init(ledger: Ledger) { self.ledger = ledger }

    mutating func create(_ id: String) async throws {
        note(try await ledger.createSession(id: id).createdAt, for: id)
        try await Task.sleep(for: .milliseconds(2))
    }

    /// One write to `id`: an append, a turn opened, a result, a commit (with or without its last
    /// result) or a cancel, as `choice` picks among those the session's state allows.
    mutating func write(to id: String, choosing choice: UInt64) async throws {
        guard let open = waiting[id] else {
            if choice % 2 == 0 {
                note(try await ledger.append([.text("message \(choice)")], role: .user, to: id).createdAt, for: id)
            } else {
                let turnCalls = (0..<Int(1 + choice % 3)).map { _ in
                    calls += 1
                    return ToolCall(id: "call_\(calls)", name: "fetch", arguments: "{}")
                }
                note(try await ledger.openTurn(in: id, calls: turnCalls).openedAt, for: id)
                waiting[id] = turnCalls
            }
            return
        }
        switch choice % 5 {
        case 0:
            let turn = try await ledger.cancelTurn(in: id)
            for result in turn.results { note(result.recordedAt, for: id) }
            waiting[id] = nil
        case 1 where open.count == 1:
            let turn = try await ledger.commitTurn(in: id, withResult: [.text("done")], for: open[0].id)
            for result in turn.results { note(result.recordedAt, for: id) }
            waiting[id] = nil
        default:
            note(try await ledger.recordResult([.text("ok")], for: open[0].id, in: id).recordedAt, for: id)
            waiting[id] = Array(open.dropFirst())
            if open.count == 1 {
                _ = try await ledger.commitTurn(in: id)  // not activity: the turn's times are its own
                waiting[id] = nil
            }
        }
    }

    mutating func note(_ time: Date, for id: String) {
        activity[id] = max(activity[id] ?? time, time)
    }

    /// Every session shows the activity its writes returned, newest first, and pages of two walk
    /// the same order.
    func expectListingExact(step: Int) async throws {
        let page = try await ledger.sessions(matching: SessionQuery(limit: 1000))
        let shown = page.sessions.map { ($0.session.id, Self.milliseconds($0.lastActivityAt)) }
        #expect(
            shown.map(\.1) == activity.values.map(Self.milliseconds).sorted(by: >),
            "step \(step): \(shown)")
        for (id, time) in shown {
            #expect(time == Self.milliseconds(try #require(activity[id])), "step \(step): \(id)")
        }
        var paged: [String] = []
        var query = SessionQuery(limit: 2)
        repeat {
            let next = try await ledger.sessions(matching: query)
            paged += next.sessions.map(\.session.id)
            query.cursor = next.nextCursor
        } while query.cursor != nil
        #expect(paged == shown.map(\.0), "step \(step)")
    }

    /// `activeSince` and `activeBefore` keep exactly the sessions whose activity is at or after,
    /// or before, `pivot`.
    func expectFiltersExact(at pivot: Date, step: Int) async throws {
        let since = try await ledger.sessions(matching: SessionQuery(activeSince: pivot)).sessions.map(\.session.id)
        let before = try await ledger.sessions(matching: SessionQuery(activeBefore: pivot)).sessions.map(\.session.id)
        let cut = Self.milliseconds(pivot)
        #expect(Set(since) == Set(activity.filter { Self.milliseconds($0.value) >= cut }.keys), "step \(step)")
        #expect(Set(before) == Set(activity.filter { Self.milliseconds($0.value) < cut }.keys), "step \(step)")
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}

/// A small seeded generator (SplitMix64), so that a failing interleaving can be run again.
private struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
