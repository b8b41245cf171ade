import Foundation
import GRDB
import Testing
import TurnLedger

@Suite struct VerifyTests {
    @Test(arguments: Engine.allCases) func aLedgerWrittenThroughTheAPIVerifiesClean(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await temp.ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")

        let report = try await temp.ledger.verify()

        #expect(report.problems == [])
        #expect(report.checks.contains("call_without_result"))
        #expect(report.checks.contains("integrity"))
    }

    @Test func aLogEditedBehindTheStoresBackIsReported() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        try await temp.ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")
        try await temp.ledger.commitTurn(in: "s1")

        // As someone with the sqlite3 shell would: drop the guard, delete a result and an entry.
        try await temp.rawConnection(foreignKeys: false).write { db in
            try db.execute(
                sql: """
                    DROP TRIGGER toolResultIsAppendOnlyOnDelete;
                    DROP TRIGGER entryIsAppendOnlyOnDelete;
                    DELETE FROM toolResult;
                    DELETE FROM entry WHERE seq = 2;
                    """)
        }
        let report = try await temp.ledger.verify()

        let failed = Set(report.problems.map(\.check))
        #expect(failed == ["guard_trigger", "call_without_result", "seq_not_dense", "foreign_key", "hash_chain"])
        #expect(
            report.problems.contains {
                $0.check == "call_without_result" && $0.detail.contains(Fixtures.weather.id)
            })
        #expect(report.problems.contains { $0.detail == "trigger entryIsAppendOnlyOnDelete is missing" })
    }

    @Test func aSummaryThatSplitsATurnWrittenBehindTheStoresBackIsReported() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)  // the turn at 3...5
        try temp.insertUncheckedSummary(in: "s1", at: 7, covering: 2...4, text: "")
        let problems = try await temp.ledger.verify().problems
        #expect(
            problems.contains(
                .init(
                    check: "summary_splits_turn",
                    detail: "session 's1' seq 7: the summary of 2...4 splits the turn at seq 3")))
    }

    @Test func aStrayResultLeftByARawWriterWithoutForeignKeysIsReportedAndBlocksTheSession() async throws {
        // Without foreign keys SQLite cannot check at COMMIT; the triggers confine the damage to
        // a staged turn, which blocks the session and which verify names.
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.rawConnection(foreignKeys: false).write { db in
            try db.execute(
                sql: """
                    INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 3, '[]', 1, NULL, '2026-01-01 00:00:00.000');
                    INSERT INTO toolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt)
                        VALUES ((SELECT key FROM session WHERE id = 's1'), 3, 0, 'call_x', 'success', '[]', '2026-01-01 00:00:00.000');
                    """)
        }

        let failed = Set(try await temp.ledger.verify().problems.map(\.check))
        #expect(failed == ["result_without_call", "tool_rows_without_turn", "open_turn_out_of_place", "foreign_key"])
        await #expect(throws: LedgerError.openTurnPending(sessionID: "s1", seq: 3, unansweredCallIDs: [])) {
            try await temp.ledger.append([.text("Hi")], role: .user, to: "s1")
        }
        #expect(try await temp.ledger.entries(in: "s1").count == 2)
    }
}
