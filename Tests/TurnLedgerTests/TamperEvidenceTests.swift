import Foundation
import GRDB
import Testing
import TurnLedger

@Suite struct TamperEvidenceTests {
    @Test(arguments: [
        ("UPDATE entry SET parts = '[{\"type\":\"text\",\"text\":\"edited\"}]' WHERE sessionKey = (SELECT key FROM session WHERE id = 's1') AND seq = 7", 7),
        ("UPDATE toolResult SET outcome = 'success' WHERE sessionKey = (SELECT key FROM session WHERE id = 's1') AND turnSeq = 3 AND position = 1", 5),
        ("UPDATE toolCall SET arguments = '{}' WHERE sessionKey = (SELECT key FROM session WHERE id = 's1') AND turnSeq = 8 AND position = 1", 8),
        ("DELETE FROM entry WHERE sessionKey = (SELECT key FROM session WHERE id = 's1') AND seq = 13", 13),
        ("UPDATE entry SET createdAt = '2020-01-01 00:00:00.000' WHERE sessionKey = (SELECT key FROM session WHERE id = 's1') AND seq = 1", 1),
    ])
    func anEditBehindTheStoresBackIsReportedAtItsFirstSeq(sql: String, seq: Int) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)
        try await Scenario.parallelCallsWithAnError(temp.ledger, id: "untouched")
        #expect(try await temp.ledger.verify().problems == [])

        // As someone with the sqlite3 shell would: drop every trigger, then edit.
        try await temp.rawConnection(foreignKeys: false).write { db in
            for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
            try db.execute(sql: sql)
        }
        let report = try await temp.ledger.verify()

        let chain = report.problems.filter { $0.check == "hash_chain" }
        #expect(chain.map(\.detail) == ["session 's1': the hash chain breaks at seq \(seq)"])
    }

    @Test func usageIsPartOfTheHashedContent() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("hi")], role: .user, to: "s1")
        try await temp.ledger.append([.text("yo")], role: .assistant, to: "s1", usage: TokenUsage(inputTokens: 5))

        try await temp.rawConnection(foreignKeys: false).write { db in
            try db.execute(sql: "DROP TRIGGER entryUsageIsAppendOnlyOnUpdate; UPDATE entryUsage SET inputTokens = 1")
        }

        #expect(
            try await temp.ledger.verify().problems.map(\.detail).contains(
                "session 's1': the hash chain breaks at seq 2"))
    }

    @Test func anAppendChainsTheSameHashVerifyComputesFromTheStoredRowEveryFieldSet() async throws {
        // The append extends the chain from the values it inserted, not from the row read back.
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await ledger.append([.text("Ты — помощник.")], role: .system, to: "s1", idempotencyKey: "k-1")
        try await ledger.append([.text("東京?"), .image(url: "https://example.com/a.png")], role: .user, to: "s1")
        try await ledger.append(
            [.text(""), .opaque(provider: "anthropic", json: #"{"type":"thinking","thinking":"…"}"#)], role: .assistant,
            to: "s1",
            usage: TokenUsage(model: "claude", inputTokens: 12, outputTokens: 3, cachedTokens: 0, reasoningTokens: 7))
        try await ledger.append([], role: .assistant, to: "s1", usage: TokenUsage(inputTokens: 1))
        try await ledger.appendSummary([.text("summary")], covering: 2...3, role: .user, to: "s1")
        try await ledger.fork("s1", at: 5, as: "f")
        try await ledger.append([.text("on the fork")], role: .user, to: "f")
        try await ledger.append([.text("again")], role: .user, to: "f")

        #expect(try await ledger.verify().problems == [])
    }

    @Test func aDatabaseWrittenBeforeTheChainGetsItsHashesAndSearchRowsWhenOpened() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let old = temp.directory.appendingPathComponent("old.sqlite").path
        // The database an earlier TurnLedger (migrations 0001...0004) left, with history in it.
        try await EarlierDatabase.create(
            at: old, migrations: 4,
            rows: """
                INSERT INTO session (id, createdAt) VALUES ('s1', '2026-01-01 00:00:00.000');
                INSERT INTO entry (sessionId, seq, role, parts, createdAt) VALUES
                    ('s1', 1, 'user', '[{"type":"text","text":"Привет, мир"}]', '2026-01-01 00:00:01.000'),
                    ('s1', 2, 'assistant', '[{"type":"text","text":"東京は晴れです"}]', '2026-01-01 00:00:02.000');
                """)
        let ledger = try Ledger(path: old)
        try await ledger.append([.text("and now?")], role: .user, to: "s1")

        #expect(try await ledger.verify().problems == [])
        #expect(try await ledger.search(SearchQuery("東京")).map(\.seq) == [2])
        #expect(try await ledger.search(SearchQuery("мир")).map(\.seq) == [1])
        let listed = try await ledger.sessions(matching: SessionQuery()).sessions
        #expect(listed.first?.lastSeq == 3)
    }
}
