import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// The write cursor (docs/schema.md, "The write cursor"): an append, a turn opened, a result or a
/// commit reads nothing back of where its session's log stands when the writer connection's last
/// write left it known, and every other change to the file makes the next write read it again.
struct WriteCursorTests {
    private let call = ToolCall(id: "c1", name: "lookup", arguments: "{}")

    /// Writes an append, a whole turn and another append to `id`: each write after the first
    /// goes through the cursor the one before left.
    private func warm(_ ledger: Ledger, _ id: String) async throws {
        try await ledger.append([.text("one")], role: .user, to: id)
        try await ledger.openTurn(in: id, calls: [call])
        try await ledger.commitTurn(in: id, withResult: [.text("found")], for: call.id)
        try await ledger.append([.text("two")], role: .user, to: id)
    }

    /// The seqs of the session's log, and whether the whole file verifies.
    private func check(_ ledger: Ledger, _ id: String, seqs: [Int]) async throws {
        let stored = try await ledger.entries(in: id).map(\.seq)
        #expect(stored == seqs)
        #expect(try await ledger.verify().problems.isEmpty)
    }

    @Test func writesOfAnotherConnectionAreReadBeforeTheNextWrite() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await warm(ledger, "s1")  // seqs 1...4
        let other = try Ledger(configuration: LedgerConfiguration(path: temp.path))
        try await other.append([.text("from elsewhere")], role: .user, to: "s1")  // 5
        try await other.openTurn(in: "s1", calls: [call])  // 6

        await #expect(throws: LedgerError.openTurnPending(sessionID: "s1", seq: 6, unansweredCallIDs: ["c1"])) {
            try await ledger.append([.text("three")], role: .user, to: "s1")
        }
        try await other.commitTurn(in: "s1", withResult: [.text("found")], for: call.id)  // 6, 7
        try await ledger.append([.text("three")], role: .user, to: "s1")  // 8
        try await check(ledger, "s1", seqs: Array(1...8))
        try other.close()
    }

    @Test func rowsAnotherClientWroteOnTheWritersOwnConnectionAreReadAndChained() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await warm(ledger, "s1")
        // A row without a hash, through the writer connection itself: `PRAGMA data_version` does
        // not move for it, the connection's count of changed rows does.
        try await ledger.sqlite!.write { db in
            try db.execute(
                sql: """
                    INSERT INTO entry (sessionKey, seq, role, parts, createdAt)
                    VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'user', '[]', '2026-01-01 00:00:00.000')
                    """)
        }
        try await ledger.append([.text("three")], role: .user, to: "s1")
        try await check(ledger, "s1", seqs: Array(1...6))
    }

    @Test func theLibrarysOtherWritesAreReadBeforeTheNextWrite() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await warm(ledger, "s1")  // 1...4

        try await ledger.rewind("s1", to: 1)  // 5
        try await ledger.append([.text("after the rewind")], role: .user, to: "s1")  // 6
        try await ledger.openTurn(in: "s1", calls: [call])  // 7
        try await ledger.cancelTurn(in: "s1")  // 7, 8
        try await ledger.append([.text("after the cancel")], role: .user, to: "s1")  // 9
        try await ledger.openTurn(in: "s1", calls: [call])  // 10
        #expect(try await ledger.recover(sessionID: "s1").map(\.seq) == [10])  // 10, 11
        try await ledger.append([.text("after the recovery")], role: .user, to: "s1")  // 12
        // The rewind to 1 leaves 2...5 out of the log it reads.
        try await check(ledger, "s1", seqs: [1] + Array(6...12))

        // A session purged and created again under the same id is another session (another key).
        _ = try await ledger.purge("s1", reason: "test", requestedBy: "tests")
        try await ledger.createSession(id: "s1")
        try await ledger.append([.text("new")], role: .user, to: "s1")
        #expect(try await ledger.entries(in: "s1").map(\.parts.text) == ["new"])
        try await check(ledger, "s1", seqs: [1])
    }

    @Test func anIDAnotherTenantTakesIsAmbiguousAtTheNextWriteOfEveryTenantsScope() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger  // every tenant in scope
        try await ledger.createSession(id: "x", tenant: "t1")
        try await ledger.append([.text("one")], role: .user, to: "x")
        try await ledger.append([.text("two")], role: .user, to: "x")
        try await ledger.createSession(id: "x", tenant: "t2")

        await #expect(throws: LedgerError.sessionIDAmbiguous("x", tenants: ["t1", "t2"])) {
            try await ledger.append([.text("three")], role: .user, to: "x")
        }
        try await ledger.scoped(to: .tenant("t1")).append([.text("three")], role: .user, to: "x")
        #expect(try await ledger.scoped(to: .tenant("t1")).entries(in: "x").map(\.seq) == [1, 2, 3])
        #expect(try await ledger.scoped(to: .tenant("t2")).entries(in: "x").isEmpty)
    }

    @Test func aTurnsResultsRecordedByAnotherConnectionAreReadAtTheCommit() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await ledger.append([.text("one")], role: .user, to: "s1")
        let second = ToolCall(id: "c2", name: "lookup", arguments: "{}")
        try await ledger.openTurn(in: "s1", calls: [call, second])  // the cursor holds its staged rows
        let other = try Ledger(configuration: LedgerConfiguration(path: temp.path))
        try await other.recordResult([.text("from elsewhere")], for: call.id, in: "s1")

        let committed = try await ledger.commitTurn(in: "s1", withResult: [.text("here")], for: second.id)
        #expect(committed.results.map(\.parts.text) == ["from elsewhere", "here"])
        try await check(ledger, "s1", seqs: Array(1...4))
        try other.close()
    }

    @Test func aCallIDIsMatchedByItsBytesWhenTheCursorHoldsTheTurn() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await ledger.append([.text("one")], role: .user, to: "s1")
        // Canonically equivalent to Swift's `==`, but other bytes: another call id to the store.
        let composed = ToolCall(id: "caf\u{E9}", name: "lookup", arguments: "{}")
        let withNUL = ToolCall(id: "a\u{0}b", name: "lookup", arguments: "{}")
        try await ledger.openTurn(in: "s1", calls: [composed, withNUL])

        await #expect(throws: LedgerError.unknownCall(sessionID: "s1", callID: "cafe\u{301}")) {
            try await ledger.recordResult([.text("x")], for: "cafe\u{301}", in: "s1")
        }
        await #expect(throws: LedgerError.unknownCall(sessionID: "s1", callID: "a")) {
            try await ledger.recordResult([.text("x")], for: "a", in: "s1")
        }
        try await ledger.recordResult([.text("first")], for: composed.id, in: "s1")
        await #expect(throws: LedgerError.duplicateResult(sessionID: "s1", callID: composed.id)) {
            try await ledger.recordResult([.text("other")], for: composed.id, in: "s1")
        }
        let committed = try await ledger.commitTurn(in: "s1", withResult: [.text("second")], for: withNUL.id)
        #expect(committed.results.map { Array($0.callId.utf8) } == [Array(composed.id.utf8), Array(withNUL.id.utf8)])
        let stored = try await ledger.entries(in: "s1")
        #expect(
            stored.compactMap { $0.toolCallId.map { Array($0.utf8) } } == [
                Array(composed.id.utf8), Array(withNUL.id.utf8),
            ])
        try await check(ledger, "s1", seqs: Array(1...4))
    }
}
