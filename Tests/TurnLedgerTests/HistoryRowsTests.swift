import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// Log rows another SQLite client wrote, read back by the history read (`CurrentRow`): a value
/// the schema allows is read as what it says; one the library cannot read is a typed error that
/// names its column, never a wrong value.
@Suite struct HistoryRowsTests {
    /// Appends a `user` row to session `s` with raw SQL, as another client would.
    private static func insertRaw(_ temp: TemporaryLedger, seq: Int, parts: String, createdAt: String) async throws {
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(
                sql: """
                    INSERT INTO entry (sessionKey, seq, role, parts, createdAt)
                    VALUES ((SELECT key FROM session WHERE id = 's'), ?, 'user', ?, ?)
                    """,
                arguments: [seq, parts, createdAt])
        }
    }

    @Test func partsInAnotherShapeAndAShortTimestampAreReadAsTheyMean() async throws {
        let temp = try TemporaryLedger { $0.historyCacheBytes = 0 }
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger, id: "s")
        let before = try await temp.ledger.entries(in: "s")
        // Spaces, keys in another order and a \u escape: not the shape the library writes.
        try await Self.insertRaw(
            temp, seq: before.count + 1, parts: #"[ { "text" : "caf\u00e9 \"q\"\n", "type" : "text" } ]"#,
            createdAt: "2026-03-04 05:06:07")

        let after = try await temp.ledger.entries(in: "s")
        #expect(Array(after.dropLast()) == before)
        let raw = try #require(after.last)
        #expect(raw.parts == [.text("café \"q\"\n")])
        #expect(raw.createdAt == Date(timeIntervalSince1970: 1_772_600_767))
        #expect(raw.seq == before.count + 1)
    }

    @Test func aTimestampTheLibraryCannotReadIsAnErrorNamingItsColumn() async throws {
        let temp = try TemporaryLedger { $0.historyCacheBytes = 0 }
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s")
        try await temp.ledger.append([.text("hello")], role: .user, to: "s")
        try await Self.insertRaw(temp, seq: 2, parts: #"[{"text":"late","type":"text"}]"#, createdAt: "yesterday")

        let error = await #expect(throws: InvalidRow.self) { try await temp.ledger.entries(in: "s") }
        #expect(error?.column == "createdAt")
        #expect(error?.description.contains("SELECT") == false)
    }
}
