import Foundation
import Testing
import TurnLedger

/// A PostgreSQL ledger keeps at most `maxStoreConnections` connections open, however many callers
/// it serves at once, so an operator can fit N services within the server's `max_connections`.
@Suite struct PostgresPoolTests {
    @Test func manyCallersAtOnceShareAtMostThePoolsConnections() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.createDatabase()
        let ledger = try await Ledger.open(
            configuration: LedgerConfiguration(path: cluster.url(database), maxStoreConnections: 2))
        defer { try? ledger.close() }
        try await ledger.createSession(id: "s")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask {
                    if index.isMultiple(of: 3) {
                        try await ledger.append([.text("message \(index)")], role: .user, to: "s")
                    } else {
                        _ = try await ledger.entries(in: "s")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await ledger.entries(in: "s").count == 8)
        // Idle connections stay open for a minute, so the pool's connections are still there. The
        // ledger's one other connection listens for other services' commits (its last query LISTEN).
        let open = cluster.psql(
            "postgres",
            "SELECT count(*) FILTER (WHERE query NOT LIKE 'LISTEN%'), count(*) FILTER (WHERE query LIKE 'LISTEN%') "
                + "FROM pg_stat_activity WHERE datname = '\(database)'")
        #expect(open.status == 0, "\(open.stderr)")
        let counts = open.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").compactMap { Int($0) }
        #expect(counts.count == 2 && (1...2).contains(counts[0]) && counts[1] == 1, "\(open.stdout)")
    }

    @Test func aPoolOfNoConnectionsIsRefusedByName() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = cluster.url(try await cluster.createDatabase())
        await #expect(throws: LedgerError.invalidInput(
            field: "maxStoreConnections", reason: "a PostgreSQL ledger needs at least 1 connection, not 0"))
        {
            _ = try await Ledger.open(configuration: LedgerConfiguration(path: url, maxStoreConnections: 0))
        }
    }
}
