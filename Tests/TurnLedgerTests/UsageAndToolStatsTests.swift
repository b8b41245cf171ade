import Foundation
import Testing
import TurnLedger

@Suite struct UsageAndToolStatsTests {
    @Test(arguments: Engine.allCases) func usageIsStoredWithItsEntryAndTotalledPerSessionAndTenant(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        for (id, tenant) in [("a", "acme"), ("b", "acme"), ("c", "globex")] {
            try await temp.ledger.createSession(id: id, tenant: tenant)
            try await temp.ledger.append([.text("hi")], role: .user, to: id)
            try await temp.ledger.append(
                [.text("hello")], role: .assistant, to: id,
                usage: TokenUsage(
                    model: "claude-x", inputTokens: 10, outputTokens: 5, cachedTokens: 4, reasoningTokens: 1))
        }
        try await temp.ledger.openTurn(in: "a", calls: [Fixtures.weather], usage: TokenUsage(inputTokens: 30))
        try await temp.ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "a")
        try await temp.ledger.commitTurn(in: "a")

        let entries = try await temp.ledger.entries(in: "a")
        #expect(entries[1].usage?.model == "claude-x")
        #expect(entries[2].usage == TokenUsage(inputTokens: 30))
        #expect(entries[0].usage == nil)
        #expect(
            try await temp.ledger.usageTotals(in: "a")
                == UsageTotals(
                    entries: 2, inputTokens: 40, outputTokens: 5, cachedTokens: 4, reasoningTokens: 1))
        #expect(
            try await temp.ledger.usageTotals(tenant: "acme")
                == UsageTotals(
                    entries: 3, inputTokens: 50, outputTokens: 10, cachedTokens: 8, reasoningTokens: 2))
        #expect(try await temp.ledger.usageTotals(tenant: "nobody") == UsageTotals())
    }

    @Test(arguments: Engine.allCases) func usageOnAMessageThatIsNotTheModelsOrWithNegativeCountsIsRefused(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")

        await #expect(
            throws: LedgerError.invalidInput(field: "usage", reason: "only an assistant message carries usage")
        ) {
            try await temp.ledger.append([.text("hi")], role: .user, to: "s1", usage: TokenUsage(inputTokens: 1))
        }
        await #expect(
            throws: LedgerError.invalidInput(field: "usage.outputTokens", reason: "must be 0 or more, not -1")
        ) {
            try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather], usage: TokenUsage(outputTokens: -1))
        }
        #expect(try await temp.ledger.entries(in: "s1").isEmpty)
        #expect(try await temp.ledger.currentTurn(in: "s1") == nil)
    }

    @Test(arguments: Engine.allCases) func toolStatsCountOutcomesAndTimeFromCallToResult(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)  // fetch: one success, one error
        try await temp.ledger.append([.text("again")], role: .user, to: "s1")
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.search, Fixtures.weather])
        try await Task.sleep(for: .milliseconds(30))
        try await temp.ledger.recordResult([.text("ok")], for: Fixtures.search.id, in: "s1")
        try await temp.ledger.cancelTurn(in: "s1")  // fetch: one cancelled
        try await temp.ledger.createSession(id: "other", tenant: "globex")
        try await temp.ledger.append([.text("x")], role: .user, to: "other")
        try await temp.ledger.openTurn(in: "other", calls: [Fixtures.search])
        try await temp.ledger.recover()

        let all = try await temp.ledger.toolStats()
        let mine = try await temp.ledger.toolStats(sessionId: "s1")

        let fetch = try #require(all.first { $0.name == "fetch" })
        let search = try #require(all.first { $0.name == "search" })
        #expect(all.map(\.name) == ["fetch", "search"])
        let fetchCounts = [fetch.calls, fetch.successes, fetch.errors, fetch.cancelled, fetch.interrupted]
        #expect(fetchCounts == [3, 1, 1, 1, 0])
        #expect(abs(fetch.errorRate - 1.0 / 3.0) < 1e-9)
        let searchCounts = [search.calls, search.successes, search.interrupted]
        #expect(searchCounts == [2, 1, 1])
        #expect(search.maxMilliseconds >= 30)
        #expect(search.p50Milliseconds <= search.maxMilliseconds && search.meanMilliseconds > 0)
        #expect(mine.first { $0.name == "search" }?.calls == 1)
        #expect(try await temp.ledger.toolStats(tenant: "globex").map(\.calls) == [1])
    }
}
