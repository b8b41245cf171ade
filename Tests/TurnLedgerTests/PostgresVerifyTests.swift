import Foundation
import Testing
import TurnLedger

/// `verify` on PostgreSQL finds what a superuser changed behind the store's back, with the
/// guards turned off the two ways PostgreSQL allows.
@Suite struct PostgresVerifyTests {
    private func storeWithATurnAndAFork() async throws -> (EngineLedger, PostgresCluster, String) {
        let temp = try await EngineLedger.open(.postgres)
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await ledger.recordResult([.text("18°C")], for: Fixtures.weather.id, in: "s1")
        try await ledger.recordResult([.text("Paris is…")], for: Fixtures.wikipedia.id, in: "s1")
        try await ledger.commitTurn(in: "s1")
        try await ledger.fork("s1", at: 5, as: "s1-b")
        try await ledger.append([.text("and tomorrow?")], role: .user, to: "s1-b")
        let cluster = try await PostgresCluster.shared()
        return (temp, cluster, try #require(temp.database))
    }

    @Test func aStoreTheLedgerWroteIsClean() async throws {
        let (temp, _, _) = try await storeWithATurnAndAFork()
        defer { temp.remove() }
        let report = try await temp.ledger.verify()
        #expect(report.problems.isEmpty)
        #expect(report.checks.contains("hash_chain") && report.checks.contains("call_without_result"))
    }

    @Test func aResultEditedWithTheTriggersOffBreaksTheChainAtItsSeq() async throws {
        let (temp, cluster, database) = try await storeWithATurnAndAFork()
        defer { temp.remove() }
        let edit = cluster.psql(
            database,
            """
            SET session_replication_role = replica;
            UPDATE toolResult SET parts = '[{"type":"text","text":"-40°C"}]' WHERE position = 0;
            """)
        #expect(edit.status == 0)
        let report = try await temp.ledger.verify()
        #expect(report.problems.map(\.check) == ["hash_chain"])
        #expect(report.problems.first?.detail == "session 's1': the hash chain breaks at seq 4")
    }

    @Test func aDeletedResultAndADisabledGuardAreNamed() async throws {
        let (temp, cluster, database) = try await storeWithATurnAndAFork()
        defer { temp.remove() }
        let edit = cluster.psql(
            database,
            """
            ALTER TABLE toolResult DISABLE TRIGGER toolResultIsAppendOnly;
            SET session_replication_role = replica;
            DELETE FROM toolResult WHERE position = 1;
            """)
        #expect(edit.status == 0)
        let problems = try await temp.ledger.verify().problems
        #expect(problems.contains { $0.check == "guard_trigger" && $0.detail == "trigger toolresultisappendonly is disabled" })
        #expect(
            problems.contains {
                $0.check == "call_without_result"
                    && $0.detail == "session 's1' seq 3: call 'call_tKaDkhHGLPeg8gBmu8vuBZM1' at position 1 has no result"
            })
        #expect(problems.contains { $0.check == "hash_chain" })
    }
}
