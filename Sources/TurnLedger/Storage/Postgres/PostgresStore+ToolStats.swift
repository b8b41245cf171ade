import Foundation
import PostgresNIO

/// Tool statistics on PostgreSQL: each committed call's name, outcome and time to its result.
extension PostgresStore {
    func toolStats(in scope: TenantScope, tenant: String?, sessionId: String?, since: Date?) async throws
        -> [ToolStats]
    {
        try await read { connection in
            var select = PostgresQuery(unsafeSQL: "")
            var conditions: [String] = []
            if let tenant { conditions.append("s.tenant = \(try select.bind(tenant))") }
            if let scoped = try scope.postgresCondition(on: "s.tenant", binding: &select) { conditions.append(scoped) }
            if let since { conditions.append("e.createdAt >= \(try select.bind(Timestamp.format(since)))") }
            if let sessionId {
                let key = try await session(connection, scope, sessionId, locking: false).key
                conditions.append("c.sessionKey = \(try select.bind(key))")
            }
            select.sql = """
                SELECT c.name, r.outcome, e.createdAt, r.recordedAt
                FROM toolCall c
                JOIN toolResult r ON r.sessionKey = c.sessionKey AND r.turnSeq = c.turnSeq AND r.position = c.position
                JOIN entry e ON e.sessionKey = c.sessionKey AND e.seq = c.turnSeq
                JOIN session s ON s.key = c.sessionKey
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                """
            var outcomes: [String: [ToolOutcome]] = [:]
            var times: [String: [Double]] = [:]
            for row in try await connection.rows(select, logger: logger) {
                let (nameBytes, outcome, calledAt, answeredAt) = try row.decode((Data, String, String, String).self)
                let name = String(decoding: nameBytes, as: UTF8.self)
                outcomes[name, default: []].append(try ToolOutcome(rawValue: outcome).orInvalidRow("outcome"))
                let elapsed = Timestamp.parse(answeredAt).flatMap { end in
                    Timestamp.parse(calledAt).map { end.timeIntervalSince($0) * 1000 }
                }
                times[name, default: []].append(max(0, elapsed ?? 0))
            }
            return outcomes.keys.sorted().map { name in
                ToolStats(name: name, outcomes: outcomes[name] ?? [], milliseconds: times[name] ?? [])
            }
        }
    }
}
