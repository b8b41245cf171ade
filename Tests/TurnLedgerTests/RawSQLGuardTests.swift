import Foundation
import GRDB
import Testing
import TurnLedger

/// The invariants hold for any SQLite client, with `PRAGMA foreign_keys` on or off.
@Suite struct RawSQLGuardTests {
    /// A ledger holding one committed turn (seq 3, one call at seq 4) and a raw connection to it.
    private func committedTurn(foreignKeys: Bool) async throws -> (TemporaryLedger, DatabaseQueue) {
        let temp = try TemporaryLedger()
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        try await temp.ledger.recordResult([.text("-3°C")], for: Fixtures.weather.id, in: "s1")
        try await temp.ledger.commitTurn(in: "s1")
        return (temp, try temp.rawConnection(foreignKeys: foreignKeys))
    }

    private func rowCounts(_ raw: DatabaseQueue) throws -> [Int] {
        try raw.read { db in
            try ["entry", "toolCall", "toolResult", "openTurn", "openCall", "openResult"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
    }

    /// Runs `statements` in one explicit transaction, and returns the error SQLite gave.
    private func failingTransaction(_ raw: DatabaseQueue, _ statements: [String]) throws -> DatabaseError {
        try raw.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            do {
                for sql in statements { try db.execute(sql: sql) }
                try db.execute(sql: "COMMIT")
            } catch let error as DatabaseError {
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                return error
            }
            Issue.record("the transaction committed")
            return DatabaseError()
        }
    }

    @Test(arguments: [true, false])
    func updatingOrDeletingLogRowsFails(foreignKeys: Bool) async throws {
        let (temp, raw) = try await committedTurn(foreignKeys: foreignKeys)
        defer { temp.remove() }
        let before = try rowCounts(raw)
        let attempts = [
            "UPDATE entry SET parts = '[]' WHERE sessionKey = (SELECT key FROM session WHERE id = 's1') AND seq = 2",
            "DELETE FROM entry WHERE sessionKey = (SELECT key FROM session WHERE id = 's1')",
            "UPDATE toolCall SET arguments = '{}'",
            "DELETE FROM toolCall",
            "UPDATE toolResult SET outcome = 'success', parts = '[]'",
            "DELETE FROM toolResult",
        ]
        for sql in attempts {
            let error = try failingTransaction(raw, [sql])
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
            #expect(error.message == "the entry log is append-only", "\(sql)")
        }
        #expect(try rowCounts(raw) == before)
        #expect(try await temp.ledger.verify().isClean)
    }

    @Test(arguments: [true, false])
    func aTransactionThatCommitsACallWithoutItsResultFailsAndLeavesNothing(foreignKeys: Bool) async throws {
        let (temp, raw) = try await committedTurn(foreignKeys: foreignKeys)
        defer { temp.remove() }
        let before = try rowCounts(raw)
        let attempts: [[String]] = [
            // The call alone.
            ["INSERT INTO toolCall VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 0, 'call_x', 'fetch', '{}')"],
            // The assistant entry, then its call, with no result.
            [
                "INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'assistant', '[]', 1, 'now')",
                "INSERT INTO toolCall VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 0, 'call_x', 'fetch', '{}')",
            ],
            // The call first, then the entry that should seal it.
            [
                "INSERT INTO toolCall VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 0, 'call_x', 'fetch', '{}')",
                "INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'assistant', '[]', 1, 'now')",
            ],
            // An assistant entry that claims a call the log does not hold.
            [
                "INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'assistant', '[]', 1, 'now')"
            ],
            // A user row sneaking in under an open turn's staged rows.
            [
                "INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, '[]', 1, NULL, 'now')",
                "INSERT INTO openCall VALUES ((SELECT key FROM session WHERE id = 's1'), 0, 'call_x', 'fetch', '{}')",
                "INSERT INTO entry (sessionKey, seq, role, parts, createdAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'user', '[]', 'now')",
            ],
        ]
        for statements in attempts {
            let error = try failingTransaction(raw, statements)
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER, "\(statements)")
            #expect(try rowCounts(raw) == before, "\(statements)")
        }
        #expect(try await temp.ledger.verify().isClean)
    }

    @Test(arguments: [true, false])
    func aTransactionThatCommitsAResultWithoutItsCallFailsAndLeavesNothing(foreignKeys: Bool) async throws {
        let (temp, raw) = try await committedTurn(foreignKeys: foreignKeys)
        defer { temp.remove() }
        let before = try rowCounts(raw)
        let result =
            "INSERT INTO toolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt) "
            + "VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 0, 'call_x', 'success', '[]', 'now')"
        let attempts: [[String]] = [
            [result],
            [
                "INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, '[]', 1, NULL, 'now')",
                result, "DELETE FROM openTurn",
                "INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'assistant', '[]', 1, 'now')",
            ],
            [
                "INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, '[]', 1, NULL, 'now')",
                result, "DELETE FROM openTurn",
                "INSERT INTO entry (sessionKey, seq, role, parts, createdAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'user', '[]', 'now')",
            ],
        ]
        for statements in attempts {
            let error = try failingTransaction(raw, statements)
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER, "\(statements)")
            #expect(try rowCounts(raw) == before, "\(statements)")
        }
        #expect(try await temp.ledger.verify().isClean)
    }

    @Test func withForeignKeysOnTheCircularKeysRefuseAnUnpairedResultAtCommit() async throws {
        let (temp, raw) = try await committedTurn(foreignKeys: true)
        defer { temp.remove() }
        let before = try rowCounts(raw)
        let error = try failingTransaction(
            raw,
            [
                "INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, '[]', 1, NULL, 'now')",
                "INSERT INTO toolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt) "
                    + "VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 0, 'call_x', 'success', '[]', 'now')",
            ])
        #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
        #expect(try rowCounts(raw) == before)
    }

    @Test func aRawPairWrittenInTheRightOrderIsAcceptedAndReadsBackAsATurn() async throws {
        // The rules are not a Swift-only protocol: any client that writes a whole turn succeeds.
        let (temp, raw) = try await committedTurn(foreignKeys: false)
        defer { temp.remove() }
        try await raw.write { db in
            try db.execute(
                sql: """
                    INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt) VALUES ((SELECT key FROM session WHERE id = 's1'), 5, '[]', 1, NULL, '2026-01-01 00:00:00.000');
                    INSERT INTO toolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt)
                        VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 0, 'call_x', 'error', '[{"type":"text","text":"boom"}]', '2026-01-01 00:00:00.000');
                    INSERT INTO toolCall VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 0, 'call_x', 'fetch', '{}');
                    DELETE FROM openTurn;
                    INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt)
                        VALUES ((SELECT key FROM session WHERE id = 's1'), 5, 'assistant', '[]', 1, '2026-01-01 00:00:00.000');
                    """)
        }
        let entries = try await temp.ledger.entries(in: "s1")
        #expect(entries.suffix(2).map(\.role) == [.assistant, .tool])
        #expect(entries.last?.outcome == .error)
        // Valid, but written behind the store's back: outside the hash chain, and verify says so.
        #expect(
            try await temp.ledger.verify().problems.map(\.detail) == [
                "session 's1': the hash chain breaks at seq 5"
            ])
    }
}
