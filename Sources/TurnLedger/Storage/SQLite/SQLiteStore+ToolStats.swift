import Foundation
import GRDB

extension SQLiteStore {
    func toolStats(in scope: TenantScope, tenant: String?, sessionId: String?, since: Date?) async throws
        -> [ToolStats]
    {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let tenant {
            conditions.append("c.sessionKey IN (SELECT key FROM session WHERE tenant = ?)")
            arguments += [tenant]
        }
        if let scoped = scope.keyFilter("c.sessionKey") {
            conditions.append(scoped.sql)
            arguments += scoped.arguments
        }
        if let since {
            conditions.append("e.createdAt >= ?")
            arguments += [Timestamp.format(since)]
        }
        let filter = arguments
        let filterConditions = conditions
        let sql = """
            SELECT c.name, r.outcome, (julianday(r.recordedAt) - julianday(e.createdAt)) * 86400000.0
            FROM toolCall c
            JOIN toolResult r ON r.sessionKey = c.sessionKey AND r.turnSeq = c.turnSeq AND r.position = c.position
            JOIN entry e ON e.sessionKey = c.sessionKey AND e.seq = c.turnSeq
            """
        return try await read { db in
            var conditions = filterConditions
            var filter = filter
            if let sessionId {
                conditions.append("c.sessionKey = ?")
                filter += [try scope.session(db, sessionId).key]
            }
            let sql = sql + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            var outcomes: [String: [ToolOutcome]] = [:]
            var times: [String: [Double]] = [:]
            let rows = try Row.fetchCursor(db, sql: sql, arguments: filter)
            while let row = try rows.next() {
                let name = try row.text(at: 0)
                outcomes[name, default: []].append(try ToolOutcome(rawValue: row[1]).orInvalidRow("outcome"))
                times[name, default: []].append(max(0, row[2] as Double? ?? 0))
            }
            return outcomes.keys.sorted().map { name in
                ToolStats(name: name, outcomes: outcomes[name] ?? [], milliseconds: times[name] ?? [])
            }
        }
    }
}
