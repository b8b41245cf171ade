import Foundation
import Testing
import TurnLedger

/// Three services on one PostgreSQL store, agents spread over them, one service killed with
/// SIGKILL mid-turn and restarted, its turns recovered: `turnledger scale-out`, small.
@Suite struct ScaleOutTests {
    @Test func aServiceKilledMidTurnLosesAndDuplicatesNothing() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = cluster.url(try await cluster.createDatabase())
        let (status, stdout) = try await ChildProcess.run(
            ChildProcess.productsDirectory.appendingPathComponent("turnledger"),
            arguments: [
                "scale-out", "--store", url, "--services", "3", "--agents", "9", "--turns", "6", "--idle-for", "1",
                "--store-connections", "4",
            ])
        let report = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        #expect(status == 0, "\(report)")
        #expect(report["ok"] as? Bool == true)
        #expect(report["lost"] as? Int == 0 && report["duplicated"] as? Int == 0)
        // The agents beside the killed service stopped, so there was something to recover.
        #expect((report["killedAgents"] as? Int ?? 0) >= 1)
        #expect((report["acknowledgedWrites"] as? Int ?? 0) > 9 * 5)

        // Checked again here, from another process than the run's.
        let ledger = try await Ledger.open(configuration: LedgerConfiguration(path: url))
        defer { try? ledger.close() }
        #expect(try await ledger.verify().problems == [])
        #expect(try await ledger.openTurns().isEmpty)
        #expect(try await ledger.listSessions().count == 9)
    }
}
