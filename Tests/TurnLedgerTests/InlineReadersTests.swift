import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// Reads on the calling thread (`InlineReaders`): taken without ever waiting, a snapshot each,
/// and what a read through the pool gives.
@Suite struct InlineReadersTests {
    private static func store(_ ledger: Ledger) throws -> SQLiteStore {
        try #require(ledger.store as? SQLiteStore)
    }

    /// Runs `body` as synchronous code, so that GRDB's synchronous methods are the ones called.
    private static func now<T>(_ body: () throws -> T) rethrows -> T { try body() }

    @Test func contextBuildsReadOnTheCallingThreadAndGiveWhatThePoolReads() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger, id: "s")
        let store = try Self.store(temp.ledger)
        let before = store.inlineReaders.connections
        let context = try await temp.ledger.context(for: "s", format: .anthropic)
        #expect(store.inlineReaders.connections >= max(1, before), "the build's read took an inline connection")
        let plain = try Ledger(configuration: LedgerConfiguration(path: temp.path, historyCacheBytes: 0))
        let pooled = try await Self.store(plain).read { db in
            try SQLiteStore.history(db, of: try TenantScope.all.session(db, "s"), cache: HistoryCache(capacity: 0))
        }
        #expect(try await plain.entries(in: "s") == pooled)
        #expect(try await plain.context(for: "s", format: .anthropic) == context)
    }

    @Test func aReadFindsEveryConnectionInUseAndAnswersNilAtOnce() throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let readers = InlineReaders(try Self.store(temp.ledger).writer, limit: 1)
        let nested = try readers.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM session"), try readers.read { _ in 1 })
        }
        #expect(nested?.0 == 0)
        #expect(nested?.1 == nil, "the only connection was in use: nil, not a wait")
        #expect(try readers.read { _ in 2 } == 2, "given back after the read")
        #expect(readers.connections == 1)
        try readers.close()
        #expect(try readers.read { _ in 3 } == nil && readers.connections == 0)
    }

    @Test func aReadIsASnapshotAndCannotWrite() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s")
        let other = try temp.rawConnection(foreignKeys: true)
        try Self.now { try other.write { db in try db.execute(sql: "CREATE TABLE probe (x INTEGER); INSERT INTO probe VALUES (1)") } }
        let readers = InlineReaders(try Self.store(temp.ledger).writer)
        let counts = try readers.read { db in
            let first = try Int.fetchOne(db, sql: "SELECT count(*) FROM probe")
            try other.write { db in try db.execute(sql: "INSERT INTO probe VALUES (2)") }
            return (first, try Int.fetchOne(db, sql: "SELECT count(*) FROM probe"))
        }
        #expect(counts?.0 == 1 && counts?.1 == 1, "a commit during the read is not seen by it")
        #expect(try readers.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe") } == 2)
        #expect(throws: DatabaseError.self) {
            try readers.read { db in try db.execute(sql: "DELETE FROM probe") }
        }
        #expect(try Self.now { try other.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe") } } == 2)
        #expect(try await temp.ledger.listSessions().map(\.id) == ["s"])
    }

    @Test func aWriterThatIsNoPoolOnAFileHasNoInlineConnections() throws {
        let readers = InlineReaders(try DatabaseQueue())
        #expect(try readers.read { _ in 1 } == nil && readers.connections == 0)
    }
}
