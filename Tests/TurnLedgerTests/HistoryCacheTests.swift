import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// The history cache of an SQLite ledger (docs/schema.md, "The history cache"): what a cached
/// ledger returns is what a ledger without a cache reads from the same file, whoever wrote it.
@Suite struct HistoryCacheTests {
    /// A ledger without a cache on the same file: what every read must equal.
    private static func uncached(_ temp: TemporaryLedger) throws -> Ledger {
        try Ledger(configuration: LedgerConfiguration(path: temp.path, historyCacheBytes: 0))
    }

    private static func statistics(_ ledger: Ledger) throws -> HistoryCache.Statistics {
        try #require(ledger.store as? SQLiteStore).historyCache.statistics
    }

    /// Both ledgers give the same history and the same bytes in every format.
    private static func expectSameReads(_ cached: Ledger, _ uncached: Ledger, _ session: String) async throws {
        #expect(try await cached.entries(in: session) == uncached.entries(in: session), "\(session)")
        for format in ProviderFormat.allCases {
            let expected = try await uncached.context(for: session, format: format).data
            #expect(try await cached.context(for: session, format: format).data == expected, "\(session) \(format)")
        }
    }

    @Test(arguments: [7, 8, 9] as [UInt64])
    func generatedHistoriesReadFromTheCacheEqualHistoriesReadWhole(seed: UInt64) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let plain = try Self.uncached(temp)
        var generator = HistoryGenerator(seed: seed)
        for index in 0..<25 {
            let session = try await generator.build(in: temp.ledger, name: "h\(index)")
            try await Self.expectSameReads(temp.ledger, plain, session)
        }
        for session in generator.sessions {  // after every later write, forks included
            try await Self.expectSameReads(temp.ledger, plain, session)
        }
        let statistics = try Self.statistics(temp.ledger)
        #expect(statistics.hits > 50, "the reads used the cache: \(statistics)")
        #expect(try Self.statistics(plain) == HistoryCache.Statistics(sessions: 0, bytes: 0, hits: 0))
    }

    @Test func everyKindOfWriteExtendsTheCachedLogAsItIsStored() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Scenario.everything(ledger, id: "s")  // turns, results out of order, opaque parts
        try await ledger.append([.text("with usage")], role: .assistant, to: "s", usage: TokenUsage(model: "m", inputTokens: 7))
        try await ledger.openTurn(
            in: "s", calls: [ToolCall(id: "a\u{0}b", name: "t", arguments: "not json")],
            usage: TokenUsage(model: "m", outputTokens: 3, reasoningTokens: 1))
        try await ledger.commitTurn(in: "s", withResult: [.text("last")], for: "a\u{0}b")
        try await ledger.appendSummary([.text("so far")], covering: 1...2, to: "s")
        try await ledger.rewind("s", to: 2)
        try await ledger.append([.text("again")], role: .user, to: "s")
        // Every write above extended the log the cache holds, without reading it.
        #expect(try Self.statistics(ledger).hits == 0)
        try await Self.expectSameReads(ledger, try Self.uncached(temp), "s")
        #expect(try Self.statistics(ledger).hits > 0)
    }

    @Test func writesOfAnotherLedgerOnTheFileAreRead() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger, id: "s")
        _ = try await temp.ledger.entries(in: "s")  // cached
        let other = try Self.uncached(temp)
        try await other.append([.text("from another process")], role: .user, to: "s")
        try await other.openTurn(in: "s", calls: [Fixtures.weather])
        try await other.commitTurn(in: "s", withResult: [.text("sunny")], for: Fixtures.weather.id)

        let entries = try await temp.ledger.entries(in: "s")
        #expect(entries.suffix(3).map(\.parts) == [[.text("from another process")], [], [.text("sunny")]])
        try await Self.expectSameReads(temp.ledger, other, "s")
    }

    @Test func aSessionPurgedAndMadeAgainUnderItsKeyIsNotReadFromTheCache() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Self.makeSession(in: temp.ledger, saying: "old")
        _ = try await temp.ledger.entries(in: "s")  // cached up to seq 2
        let keyBefore = try await Self.key(of: "s", in: temp)
        let other = try Self.uncached(temp)
        try await other.purge("s", reason: "test", requestedBy: "me")
        try await Self.makeSession(in: other, saying: "new")
        #expect(try await Self.key(of: "s", in: temp) == keyBefore, "the new session took the purged one's key")

        #expect(try await temp.ledger.entries(in: "s").map(\.parts) == [[.text("new one")], [.text("new two")]])
        try await Self.expectSameReads(temp.ledger, other, "s")
    }

    @Test func aWriteToASessionMadeAgainUnderItsKeyDoesNotExtendTheOldCachedLog() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Self.makeSession(in: temp.ledger, saying: "old")  // cached up to seq 2
        let other = try Self.uncached(temp)
        try await other.purge("s", reason: "test", requestedBy: "me")
        try await Self.makeSession(in: other, saying: "new")

        try await temp.ledger.append([.text("three")], role: .user, to: "s")  // follows seq 2, of the new session

        #expect(
            try await temp.ledger.entries(in: "s").map(\.parts) == [[.text("new one")], [.text("new two")], [.text("three")]])
        try await Self.expectSameReads(temp.ledger, other, "s")
    }

    @Test func rowsAppendedAroundTheLibraryAreReadAndNotCachedUntilChained() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger, id: "s")
        let before = try await temp.ledger.entries(in: "s")
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(
                sql: """
                    INSERT INTO entry (sessionKey, seq, role, parts, createdAt)
                    VALUES ((SELECT key FROM session WHERE id = 's'), ?, 'user',
                            json_array(json_object('type', 'text', 'text', 'raw')), '2026-01-01 00:00:00.000')
                    """,
                arguments: [before.count + 1])
        }
        #expect(try await temp.ledger.entries(in: "s").last?.parts == [.text("raw")])
        try await temp.ledger.append([.text("chained")], role: .assistant, to: "s")  // chains the raw row too
        try await Self.expectSameReads(temp.ledger, try Self.uncached(temp), "s")
    }

    @Test func aSmallCacheKeepsWithinItsBoundAndReadsStayTheSame() async throws {
        let temp = try TemporaryLedger { $0.historyCacheBytes = 6_000 }
        defer { temp.remove() }
        let plain = try Self.uncached(temp)
        for index in 0..<12 {
            try await Scenario.everything(temp.ledger, id: "s\(index)")
        }
        for index in (0..<12).reversed() {
            try await Self.expectSameReads(temp.ledger, plain, "s\(index)")
            let statistics = try Self.statistics(temp.ledger)
            #expect(statistics.bytes <= 6_000 && statistics.sessions < 12, "\(statistics)")
        }
    }

    /// A full cache and a read of every session in turn (the bench's reads, an export): the
    /// sessions it holds are read from it, those it does not are read from the file and do not
    /// push the others out (with plain LRU each read would evict the next one it reads: no hits).
    /// A session read a second time does come in.
    @Test func aScanOfMoreSessionsThanFitKeepsTheCachedOnesAndHitsThem() async throws {
        let probe = try TemporaryLedger()
        defer { probe.remove() }
        try await Scenario.everything(probe.ledger, id: "s0")
        _ = try await probe.ledger.entries(in: "s0")
        let oneSession = try Self.statistics(probe.ledger).bytes
        #expect(oneSession > 0)

        let temp = try TemporaryLedger { $0.historyCacheBytes = oneSession * 7 / 2 }
        defer { temp.remove() }
        for index in 0..<10 {
            try await Scenario.everything(temp.ledger, id: "s\(index)")
        }
        let held = try Self.statistics(temp.ledger)
        #expect(held.sessions >= 3 && held.sessions < 10 && held.hits == 0, "\(held)")
        for index in 0..<10 { _ = try await temp.ledger.entries(in: "s\(index)") }
        var after = try Self.statistics(temp.ledger)
        #expect(after.hits == held.sessions && after.sessions == held.sessions, "\(held) then \(after)")

        _ = try await temp.ledger.entries(in: "s0")  // its second read: it comes in
        after = try Self.statistics(temp.ledger)
        #expect(after.bytes <= oneSession * 7 / 2, "\(after)")
        _ = try await temp.ledger.entries(in: "s0")
        #expect(try Self.statistics(temp.ledger).hits == after.hits + 1)

        let plain = try Self.uncached(temp)
        for index in 0..<10 { try await Self.expectSameReads(temp.ledger, plain, "s\(index)") }
        let fresh = try Ledger(configuration: LedgerConfiguration(path: temp.path))  // room for all
        for index in 0..<10 { _ = try await fresh.entries(in: "s\(index)") }
        #expect(try Self.statistics(fresh).sessions == 10)
    }

    @Test func aNegativeCacheSizeIsRefused() throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        #expect(
            throws: LedgerError.invalidInput(field: "historyCacheBytes", reason: "must be 0 or more, not -1")
        ) {
            try Ledger(configuration: LedgerConfiguration(path: temp.path, historyCacheBytes: -1))
        }
    }

    /// Session `s` with two messages, "`word` one" and "`word` two".
    private static func makeSession(in ledger: Ledger, saying word: String) async throws {
        try await ledger.createSession(id: "s")
        try await ledger.append([.text("\(word) one")], role: .user, to: "s")
        try await ledger.append([.text("\(word) two")], role: .assistant, to: "s")
    }

    private static func key(of session: String, in temp: TemporaryLedger) async throws -> Int64? {
        try await temp.rawConnection(foreignKeys: true).read { db in
            try Int64.fetchOne(db, sql: "SELECT key FROM session WHERE id = ?", arguments: [session])
        }
    }
}
