import Foundation
import GRDB
import Synchronization
import Testing

@testable import TurnLedger

/// Every statement the per-session paths run, recorded from a real ledger and explained by
/// SQLite: none may scan a log table, so reading one session or searching does not slow down
/// as the database grows.
@Suite struct QueryPlanTests {
    final class Recorder: Sendable {
        let statements = Mutex<[String]>([])
        func record(_ sql: String) { statements.withLock { $0.append(sql) } }
        func take() -> [String] {
            statements.withLock { value in
                let taken = value
                value = []
                return taken
            }
        }
    }

    /// Tables that grow with the database; a plan may search them, never scan them.
    @Test func perSessionReadsAndWritesTouchOnlyTheirRows() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let recorder = Recorder()
        var config = Configuration()
        config.prepareDatabase { db in
            db.add(function: SearchText.bodyFunction)  // as Ledger's own pool has it
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { recorder.record(statement.expandedSQL) }
            }
        }
        let pool = try DatabasePool(path: temp.path, configuration: config)
        let configuration = LedgerConfiguration(path: temp.path)
        let ledger = Ledger(
            store: try SQLiteStore(pool, configuration: configuration), configuration: configuration,
            logger: Ledger.silentLogger)
        for index in 0..<3 {
            try await Scenario.everything(ledger, id: "s\(index)")
            try await ledger.createSession(id: "t\(index)", tenant: "acme", metadata: ["k": "v"])
        }
        try await ledger.fork("s0", at: 6, as: "f")
        _ = recorder.take()

        try await ledger.append([.text("hello")], role: .user, to: "f", idempotencyKey: "k")
        try await ledger.openTurn(in: "f", calls: [Fixtures.weather], usage: TokenUsage(inputTokens: 1))
        try await ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "f")
        try await ledger.commitTurn(in: "f")
        _ = try await ledger.entries(in: "f")
        _ = try await ledger.entries(in: "s1", asOf: 6)
        _ = try await ledger.entries(in: "s1", after: 6, limit: 2)
        _ = try await ledger.context(for: "f", format: .openAIChat)
        _ = try await ledger.sessions(matching: SessionQuery(limit: 2))
        let page = try await ledger.sessions(matching: SessionQuery(tenant: "acme", limit: 2))
        _ = try await ledger.sessions(matching: SessionQuery(tenant: "acme", limit: 2, cursor: page.nextCursor))
        _ = try await ledger.search(SearchQuery("東京", sessionId: "f"))
        _ = try await ledger.search(SearchQuery("погода", tenant: "acme", roles: [.user]))
        _ = try await ledger.usageTotals(in: "s1")
        try await ledger.openTurn(in: "f", calls: [Fixtures.weather])
        try await ledger.rewind("f", to: 5, idempotencyKey: "r", discardingOpenTurn: true)  // into s0's rows
        _ = try await ledger.entries(in: "f")
        _ = try await ledger.context(for: "f", format: .anthropic)

        let statements = Set(recorder.take().filter { !$0.hasPrefix("--") && !$0.hasPrefix("PRAGMA") })
        #expect(statements.count > 20)
        let scans = try await pool.read { db in
            var scans: [String] = []
            for sql in statements where !["BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"].contains(where: sql.hasPrefix) {
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
                // A session-scoped search sorts the session's own matches (its scope token limits
                // the match inside the index), and only those.
                let sortsOneSession = sql.contains("scope : (")
                for line in plan
                where Self.isScanOfALogTable(line) && !(sortsOneSession && line.contains("TEMP B-TREE")) {
                    scans.append("\(line)  <-  \(sql)")
                }
            }
            return scans
        }
        #expect(scans == [])
    }

    /// `SCAN entry`, `SCAN e` (an alias) and the like, or a sort of rows the index should give
    /// in order; an ordered walk of the session activity index is allowed, since the listing
    /// stops after one page, and so are FTS5's own index and one-row configuration table.
    static func isScanOfALogTable(_ line: String) -> Bool {
        if line.contains("TEMP B-TREE") { return true }
        guard line.hasPrefix("SCAN ") else { return false }
        if line.hasSuffix("searchText_config") { return false }
        // The schema table: GRDB reads it once as it opens a connection (an inline reader opens
        // at its first read), and it does not grow with the log.
        if line == "SCAN sqlite_master" { return false }
        if line.contains("USING INDEX sessionByActivity") || line.contains("USING COVERING INDEX sessionByActivity") {
            return false
        }
        if line.contains("VIRTUAL TABLE INDEX") || line.hasPrefix("SCAN CONSTANT ROW") { return false }
        return true
    }
}
