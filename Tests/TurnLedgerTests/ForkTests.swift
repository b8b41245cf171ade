import Foundation
import GRDB
import Testing
import TurnLedger

@Suite struct ForkTests {
    @Test func aForkContinuesItsParentsPrefixWithoutCopyingIt() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)  // seqs 1...6, the turn at 3...5
        try await temp.ledger.createSession(id: "other")

        let fork = try await temp.ledger.fork("s1", at: 5, as: "s1-retry", metadata: ["try": 2])
        try await temp.ledger.append([.text("Try again, briefly.")], role: .user, to: "s1-retry")
        try await temp.ledger.append([.text("Parent goes on.")], role: .user, to: "s1")

        let parent = try await temp.ledger.entries(in: "s1")
        let forked = try await temp.ledger.entries(in: "s1-retry")
        #expect(fork.parentSessionId == "s1" && fork.parentSeq == 5)
        #expect(forked.map(\.seq) == Array(1...6))
        #expect(forked.prefix(5).map(\.parts) == parent.prefix(5).map(\.parts))
        #expect(forked.allSatisfy { $0.sessionId == "s1-retry" })
        #expect(forked.last?.parts == [.text("Try again, briefly.")])
        #expect(parent.last?.parts == [.text("Parent goes on.")])
        // Not copied: the fork owns one entry row.
        let rows = try await temp.rawConnection(foreignKeys: true).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM entry WHERE sessionKey = (SELECT key FROM session WHERE id = 's1-retry')")
        }
        #expect(rows == 1)
        let context = try await temp.ledger.context(for: "s1-retry", format: .openAIChat)
        let messages = try ParsedBody(context).list("messages")
        #expect(messages.count == 6)
        #expect(messages[3]["tool_call_id"] as? String == Fixtures.weather.id)
        #expect(try await temp.ledger.verify().problems == [])
    }

    @Test(arguments: Engine.allCases) func aForkOfAForkInheritsBothPrefixes(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)  // 13 seqs
        try await temp.ledger.fork("s1", at: 6, as: "a")
        try await temp.ledger.append([.text("a7")], role: .user, to: "a")
        try await temp.ledger.append([.text("a8")], role: .assistant, to: "a")
        try await temp.ledger.fork("a", at: 7, as: "b")  // s1 1...6, a 7, then b's own
        try await temp.ledger.append([.text("b8")], role: .assistant, to: "b")

        let entries = try await temp.ledger.entries(in: "b")

        #expect(entries.map(\.seq) == Array(1...8))
        #expect(entries[6].parts == [.text("a7")])
        #expect(entries[7].parts == [.text("b8")])
        #expect(try await temp.ledger.session("b")?.parentSessionId == "a")
        #expect(try await temp.ledger.verify().problems == [])
    }

    @Test(arguments: [3, 4])
    func forkingInsideATurnIsRefusedAndNamesTheTurn(seq: Int) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)

        await #expect(throws: LedgerError.seqInsideTurn(sessionID: "s1", seq: seq, turn: 3...5)) {
            try await temp.ledger.fork("s1", at: seq, as: "f")
        }
        #expect(try await temp.ledger.session("f") == nil)
    }

    @Test(arguments: Engine.allCases) func forkingOutsideTheLogOrFromNothingIsRefused(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)

        await #expect(
            throws: LedgerError.invalidInput(
                field: "seq", reason: "7 is not in the log of session 's1', which holds 1...6")
        ) {
            try await temp.ledger.fork("s1", at: 7, as: "f")
        }
        await #expect(throws: LedgerError.sessionNotFound("nope")) {
            try await temp.ledger.fork("nope", at: 1, as: "f")
        }
        await #expect(throws: LedgerError.sessionAlreadyExists("s1")) {
            try await temp.ledger.fork("s1", at: 2, as: "s1")
        }
    }

    @Test(arguments: Engine.allCases) func aForkKeepsItsParentsTenant(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "p", tenant: "acme")
        try await temp.ledger.append([.text("hi")], role: .user, to: "p")

        let fork = try await temp.ledger.fork("p", at: 1, as: "f")

        #expect(fork.tenant == "acme")
    }

    @Test func theSchemaRefusesARawForkInsideATurnOrAcrossTenants() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        let raw = try temp.rawConnection(foreignKeys: false)

        for (seq, tenant) in [(4, "NULL"), (99, "NULL"), (2, "'other'")] {
            #expect(throws: DatabaseError.self) {
                try raw.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO session (id, tenant, createdAt, parentKey, parentSeq)
                            VALUES ('f', \(tenant), '2026-01-01 00:00:00.000', (SELECT key FROM session WHERE id = 's1'), \(seq))
                            """)
                }
            }
        }
        #expect(try await temp.ledger.session("f") == nil)
    }
}
