import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// The hash chain covers the text of tool rows byte for byte, a NUL included (docs/schema.md, "The
/// hash chain"), and migration 0011 re-chains what an earlier version chained up to a first NUL.
@Suite struct HashChainNULTests {
    static let call = ToolCall(id: "call\u{0}7", name: "fetch", arguments: "{\"q\":\"a\u{0}b\"}")

    /// A session `s1` whose committed turn (seqs 3...4) has a call with NUL characters.
    static func turnWithNUL(_ ledger: Ledger) async throws {
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [call])
        try await ledger.commitTurn(in: "s1", withResult: [.text("ok")], for: call.id)
    }

    @Test(arguments: Engine.allCases) func anEditAfterANULInACallIsReported(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Self.turnWithNUL(temp.ledger)
        #expect(try await temp.ledger.verify().problems == [])

        switch engine {
        case .sqlite:
            try await DatabaseQueue(path: temp.store).write { db in
                try Self.withoutGuard("toolCallIsAppendOnlyOnUpdate", db) {
                    try db.execute(
                        sql: "UPDATE toolCall SET arguments = CAST(? AS TEXT)",
                        arguments: [Data("{\"q\":\"a\u{0}X\"}".utf8)])
                }
            }
        case .postgres:
            let cluster = try await PostgresCluster.shared()
            let edit = cluster.psql(
                try #require(temp.database),
                """
                SET session_replication_role = replica;
                UPDATE toolCall SET arguments = convert_to(E'{"q":"a', 'UTF8') || '\\x00'::bytea || convert_to('X"}', 'UTF8');
                """)
            #expect(edit.status == 0, "\(edit.stderr)")
        }

        let report = try await temp.ledger.verify()
        #expect(report.problems.map(\.detail) == ["session 's1': the hash chain breaks at seq 3"])
    }

    @Test func migration0011RechainsWhatTheOldReadingChainedAndKeepsReportingAnEditedChain() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Self.turnWithNUL(ledger)
        try await ledger.fork("s1", at: 4, as: "s1-fork")
        try await ledger.append([.text("and then?")], role: .user, to: "s1-fork")
        try await ledger.createSession(id: "edited")
        try await ledger.openTurn(in: "edited", calls: [Self.call])
        try await ledger.commitTurn(in: "edited", withResult: [.text("ok")], for: Self.call.id)
        try await Scenario.parallelCallsWithAnError(ledger, id: "plain")
        try ledger.close()

        // The file as the version before 0011 left it: every chain over tool text up to its first
        // NUL, 0011 not applied. Then an edit before the NUL in `edited`, which that reading saw.
        let plainBefore = try await Self.hashes(of: "plain", at: temp.path)
        try await temp.rawConnection(foreignKeys: false).write { db in
            try Self.withoutGuard("logHashIsAppendOnlyOnDelete", db) { try db.execute(sql: "DELETE FROM logHash") }
            for session in try Lineage.sessionsParentsFirst(db) {
                let lineage = try Lineage.of(db, session)
                var previous = try LogIndex.hash(db, of: lineage, at: lineage.forkSeq)
                for item in try LogItem.read(db, of: session.key, after: lineage.forkSeq, toolText: .upToFirstNUL) {
                    previous = LogIndex.chain(previous, item)
                    try db.execute(
                        sql: "INSERT INTO logHash (sessionKey, seq, hash) VALUES (?, ?, ?)",
                        arguments: [session.key, item.seq, previous])
                }
            }
            try db.execute(
                sql: """
                    DELETE FROM grdb_migrations WHERE identifier = '0011_hash_tool_text_whole';
                    DELETE FROM ledgerMigration WHERE id = '0011_hash_tool_text_whole';
                    """)
            try Self.withoutGuard("toolCallIsAppendOnlyOnUpdate", db) {
                try db.execute(
                    sql:
                        "UPDATE toolCall SET name = 'fetcX' WHERE sessionKey = (SELECT key FROM session WHERE id = 'edited')"
                )
            }
        }
        // What this test builds is what the version before 0011 verified clean, but the edit.
        let legacy = try await temp.rawConnection(foreignKeys: false).read { db in
            try Lineage.sessionsParentsFirst(db).compactMap { session in
                try LogIndex.firstBreak(db, of: session, toolText: .upToFirstNUL).map { "\(session.id) \($0)" }
            }
        }
        #expect(legacy == ["edited 1"])

        let reopened = try Ledger(path: temp.path)
        defer { try? reopened.close() }
        let report = try await reopened.verify()
        // The edited chain is not laundered; the others hold, now over the whole text.
        #expect(report.problems.map(\.detail) == ["session 'edited': the hash chain breaks at seq 1"])
        #expect(try await Self.hashes(of: "plain", at: temp.path) == plainBefore)  // no NUL: untouched
        try await reopened.append([.text("more")], role: .user, to: "s1")
        try await reopened.append([.text("more")], role: .user, to: "s1-fork")
        #expect(try await reopened.verify().problems.count == 1)

        // The re-chained session now sees an edit after the NUL.
        try await temp.rawConnection(foreignKeys: false).write { db in
            try Self.withoutGuard("toolCallIsAppendOnlyOnUpdate", db) {
                try db.execute(
                    sql: """
                        UPDATE toolCall SET arguments = CAST(? AS TEXT)
                        WHERE sessionKey = (SELECT key FROM session WHERE id = 's1')
                        """,
                    arguments: [Data("{\"q\":\"a\u{0}X\"}".utf8)])
            }
        }
        let after = try await reopened.verify().problems.map(\.detail)
        #expect(after.contains("session 's1': the hash chain breaks at seq 3"))
    }

    /// Runs `edit` with the trigger `name` dropped, as someone with the sqlite3 shell would, and
    /// puts the trigger back, so that `verify` reports the edit and not a missing guard.
    private static func withoutGuard(_ name: String, _ db: Database, _ edit: () throws -> Void) throws {
        let sql = try #require(
            try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name]))
        try db.execute(sql: "DROP TRIGGER \(name)")
        try edit()
        try db.execute(sql: sql)
    }

    private static func hashes(of id: String, at path: String) async throws -> [Data] {
        try await DatabaseQueue(path: path).read { db in
            try Data.fetchAll(
                db,
                sql: "SELECT hash FROM logHash WHERE sessionKey = (SELECT key FROM session WHERE id = ?) ORDER BY seq",
                arguments: [id])
        }
    }
}
