import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// The FTS index takes search rows in batches; a search still sees every committed row, whether
/// the index has taken it or it waits in the tail, and a purge leaves the index consistent.
@Suite struct SearchBatchTests {
    @Test func aSearchSeesRowsInTheIndexAndRowsStillWaitingForIt() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        let total = SearchIndex.batchSize * 2 + 37
        for n in 0..<total {
            let id = "s\(n % 3)"
            if n < 3 { try await ledger.createSession(id: id, tenant: n == 0 ? "acme" : nil) }
            try await ledger.append([.text("погода number\(n) shared")], role: .user, to: id)
            // Each row is found the moment its write returns, in the index or in the tail.
            #expect(try await ledger.search(SearchQuery("number\(n)")).map(\.seq) == [n / 3 + 1])
        }
        let through = try await temp.ledger.sqlite!.read { db in try SearchIndex.indexedThrough(db) }
        #expect(through >= SearchIndex.batchSize * 2 && through < total, "two batches indexed, a tail waits")

        let everywhere = try await ledger.search(SearchQuery("shared", limit: 1000))
        #expect(everywhere.count == total)
        let inSession = try await ledger.search(SearchQuery("погода", sessionId: "s1", limit: 1000))
        #expect(inSession.map(\.seq) == Array((1...(total / 3 + (total % 3 > 1 ? 1 : 0))).reversed()))
        #expect(
            try await ledger.search(SearchQuery("shared", tenant: "acme", limit: 1000)).allSatisfy {
                $0.sessionId == "s0"
            })
        let limited = try await ledger.search(SearchQuery("shared", sessionId: "s2", limit: 5))
        #expect(limited.count == 5 && limited.first?.seq == limited.map(\.seq).max())
    }

    @Test func aPurgeRemovesIndexedAndWaitingRowsAndTheIndexStaysConsistent() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "gone")
        try await ledger.createSession(id: "kept")
        for n in 0..<(SearchIndex.batchSize + 20) {
            try await ledger.append([.text("word\(n) common")], role: .user, to: n % 2 == 0 ? "gone" : "kept")
        }
        try await ledger.purge("gone", reason: "test", requestedBy: "test")

        #expect(try await ledger.search(SearchQuery("common", limit: 1000)).allSatisfy { $0.sessionId == "kept" })
        #expect(try await ledger.search(SearchQuery("common", limit: 1000)).count == (SearchIndex.batchSize + 20) / 2)
        // The index's own structure (rank 0: the content table also holds the tail, which the
        // index has not taken by design).
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(sql: "INSERT INTO searchText (searchText, rank) VALUES ('integrity-check', 0)")
        }
        for n in stride(from: 0, to: SearchIndex.batchSize + 20, by: 2) {
            #expect(try await ledger.search(SearchQuery("word\(n)")).isEmpty)
        }
        #expect(try await ledger.verify().problems.isEmpty)
    }

    @Test func aDatabaseWhoseSearchRowsHeldACopyOfTheTextIsMigratedAndStillFindsEverything() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let old = temp.directory.appendingPathComponent("0007.sqlite").path
        // The database TurnLedger left at migration 0007: search rows with a `body` copy of the text.
        try await EarlierDatabase.create(
            at: old, migrations: 7,
            rows: """
                INSERT INTO session (id, createdAt) VALUES ('s1', '2026-01-01 00:00:00.000');
                INSERT INTO entry (sessionId, seq, role, parts, createdAt) VALUES
                    ('s1', 1, 'user', '[{"type":"text","text":"Привет, мир"}]', '2026-01-01 00:00:01.000');
                INSERT INTO searchDoc (sessionId, seq, kind, role, body) VALUES ('s1', 1, 'message', 'user', 'Привет, мир');
                """)
        let ledger = try Ledger(path: old)
        try await ledger.openTurn(in: "s1", calls: [ToolCall(id: "c1", name: "fetch", arguments: #"{"city":"東京"}"#)])
        try await ledger.recordResult([.text("晴れ")], for: "c1", in: "s1")
        try await ledger.commitTurn(in: "s1")

        #expect(try await ledger.search(SearchQuery("мир")).map(\.seq) == [1])
        #expect(try await ledger.search(SearchQuery("東京")).map(\.kind) == [.arguments])
        #expect(try await ledger.search(SearchQuery("晴れ")).map(\.seq) == [3])
        let columns = try await DatabaseQueue(path: old).read { db in try db.columns(in: "searchDoc").map(\.name) }
        #expect(!columns.contains("body"), "the text is no longer stored twice")
    }

    @Test func theIndexOnlyMovesForward() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        await #expect(throws: DatabaseError.self) {
            try await temp.rawConnection(foreignKeys: true).write { db in
                try db.execute(sql: "UPDATE searchIndexed SET throughId = -1")
            }
        }
        await #expect(throws: DatabaseError.self) {
            try await temp.rawConnection(foreignKeys: true).write { db in
                try db.execute(sql: "DELETE FROM searchIndexed")
            }
        }
    }
}
