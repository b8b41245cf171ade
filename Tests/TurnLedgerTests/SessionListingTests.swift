import Foundation
import Testing
import TurnLedger

@Suite struct SessionListingTests {
    /// Sessions s0...s{n-1}, each active after the one before.
    private func sessions(_ n: Int, in ledger: Ledger, tenant: (Int) -> String? = { _ in nil }) async throws {
        for index in 0..<n {
            try await ledger.createSession(
                id: "s\(index)", tenant: tenant(index), metadata: ["parity": .string(index % 2 == 0 ? "even" : "odd")])
            try await Task.sleep(for: .milliseconds(2))  // timestamps have millisecond resolution
        }
    }

    @Test(arguments: Engine.allCases) func pagesListNewestActivityFirstWithAStableCursor(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await sessions(7, in: temp.ledger)

        var query = SessionQuery(limit: 3)
        let first = try await temp.ledger.sessions(matching: query)
        // Activity in s2 moves it to the front; the next page must neither repeat nor skip.
        try await temp.ledger.append([.text("back again")], role: .user, to: "s2")
        query.cursor = first.nextCursor
        let second = try await temp.ledger.sessions(matching: query)

        #expect(first.sessions.map(\.session.id) == ["s6", "s5", "s4"])
        #expect(second.sessions.map(\.session.id) == ["s3", "s1", "s0"])
        #expect(second.nextCursor == nil)  // the last page says so
        let fresh = try await temp.ledger.sessions(matching: SessionQuery(limit: 1))
        #expect(fresh.sessions.first?.session.id == "s2")
        #expect(fresh.sessions.first?.lastSeq == 1)
    }

    @Test(arguments: Engine.allCases) func filtersByTenantMetadataAndActivityTime(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await sessions(6, in: temp.ledger, tenant: { $0 < 4 ? "acme" : "globex" })
        let all = try await temp.ledger.sessions(matching: SessionQuery())
        let s2 = try #require(all.sessions.first { $0.session.id == "s2" })

        let acme = try await temp.ledger.sessions(matching: SessionQuery(tenant: "acme"))
        let evenAcme = try await temp.ledger.sessions(
            matching: SessionQuery(tenant: "acme", metadata: ["parity": "even"]))
        let sinceS2 = try await temp.ledger.sessions(
            matching: SessionQuery(tenant: "acme", activeSince: s2.lastActivityAt))
        let beforeS2 = try await temp.ledger.sessions(matching: SessionQuery(activeBefore: s2.lastActivityAt))

        #expect(acme.sessions.map(\.session.id) == ["s3", "s2", "s1", "s0"])
        #expect(evenAcme.sessions.map(\.session.id) == ["s2", "s0"])
        #expect(sinceS2.sessions.map(\.session.id) == ["s3", "s2"])
        #expect(beforeS2.sessions.map(\.session.id) == ["s1", "s0"])
    }

    @Test(arguments: Engine.allCases) func eachSessionShowsItsSizeOpenTurnActivityAndUsage(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.openTurn(
            in: "s1", calls: [Fixtures.weather], usage: TokenUsage(model: "gpt-5", inputTokens: 100, outputTokens: 20))

        let summary = try #require(try await temp.ledger.sessions(matching: SessionQuery()).sessions.first)

        #expect(summary.lastSeq == 2)
        #expect(summary.hasOpenTurn)
        #expect(summary.usage == UsageTotals())  // the turn is not committed
        try await temp.ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")
        try await temp.ledger.commitTurn(in: "s1")
        let after = try #require(try await temp.ledger.sessions(matching: SessionQuery()).sessions.first)
        #expect(after.lastSeq == 4 && !after.hasOpenTurn)
        #expect(after.usage == UsageTotals(entries: 1, inputTokens: 100, outputTokens: 20))
        #expect(after.lastActivityAt >= summary.lastActivityAt)
    }

    @Test(arguments: Engine.allCases) func badQueriesNameTheField(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }

        await #expect(throws: LedgerError.invalidInput(field: "cursor", reason: "is not a cursor this store returned"))
        {
            try await temp.ledger.sessions(matching: SessionQuery(cursor: "%%%"))
        }
        await #expect(throws: LedgerError.invalidInput(field: "limit", reason: "must be 1...1000, not 0")) {
            try await temp.ledger.sessions(matching: SessionQuery(limit: 0))
        }
        await #expect(throws: LedgerError.invalidInput(field: "metadata", reason: "key 'a\"b' cannot be matched")) {
            try await temp.ledger.sessions(matching: SessionQuery(metadata: ["a\"b": 1]))
        }
    }
}
