import Foundation
import GRDB
import Testing
import TurnLedger

@Suite struct PurgeTests {
    @Test func aPurgeRemovesTheWholeSessionAndIsAudited() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger, id: "gone")
        try await temp.ledger.openTurn(in: "gone", calls: [Fixtures.search])
        try await Scenario.parallelCallsWithAnError(temp.ledger, id: "kept")
        let keptBefore = try await temp.ledger.entries(in: "kept")

        let records = try await temp.ledger.purge("gone", reason: "GDPR erasure #42", requestedBy: "dpo@example.com")

        #expect(records.map(\.sessionId) == ["gone"])
        #expect(records.first?.rowCount ?? 0 > 13)
        #expect(try await temp.ledger.session("gone") == nil)
        #expect(try await temp.ledger.search(SearchQuery("東京")).isEmpty)
        #expect(try await temp.ledger.entries(in: "kept") == keptBefore)
        #expect(try await temp.ledger.purgeAudit().map(\.reason) == ["GDPR erasure #42"])
        #expect(try await temp.ledger.verify().problems == [])
        let leftovers = try await temp.rawConnection(foreignKeys: true).read { db in
            try ["entry", "toolCall", "toolResult", "entryUsage", "logHash", "searchDoc", "openTurn", "openCall"]
                .map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0) WHERE sessionKey = (SELECT key FROM session WHERE id = 'gone')") ?? -1 }
        }
        #expect(leftovers == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test(arguments: Engine.allCases) func aSessionWithForksIsPurgedOnlyWithThem(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger, id: "p")
        try await temp.ledger.fork("p", at: 2, as: "f1")
        try await temp.ledger.fork("f1", at: 2, as: "f2")

        await #expect(throws: LedgerError.sessionHasForks(sessionID: "p", forkIDs: ["f1", "f2"])) {
            try await temp.ledger.purge("p", reason: "r", requestedBy: "me")
        }
        #expect(try await temp.ledger.entries(in: "f2").count == 2)

        let records = try await temp.ledger.purge("p", reason: "r", requestedBy: "me", includingForks: true)
        #expect(records.map(\.sessionId) == ["f2", "f1", "p"])
        #expect(try await temp.ledger.listSessions().isEmpty)
    }

    @Test func outsideAPurgeTheLogStillRefusesDeletes() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        try await temp.ledger.createSession(id: "x")
        try await temp.ledger.purge("x", reason: "test", requestedBy: "me")  // an audit row to protect
        let raw = try temp.rawConnection(foreignKeys: false)

        for sql in [
            "DELETE FROM entry", "DELETE FROM toolResult", "DELETE FROM logHash", "DELETE FROM searchDoc",
            "DELETE FROM session", "UPDATE logHash SET hash = zeroblob(32)", "DELETE FROM purgeAudit",
            "UPDATE purgeAudit SET reason = 'x'",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try raw.write { db in try db.execute(sql: sql) } }
        }
        #expect(try await temp.ledger.entries(in: "s1").count == 6)
        await #expect(throws: LedgerError.invalidInput(field: "reason", reason: "a purge needs a reason")) {
            try await temp.ledger.purge("s1", reason: " ", requestedBy: "me")
        }
        await #expect(throws: LedgerError.sessionNotFound("nope")) {
            try await temp.ledger.purge("nope", reason: "r", requestedBy: "me")
        }
    }
}
