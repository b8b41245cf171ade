import Foundation
import PostgresNIO

/// Search on PostgreSQL: `searchDoc.body` under a trigram index (`pg_trgm`). Each word of the
/// query must occur: a word of a script that separates words, as a whole word (`\m…\M`); a Chinese,
/// Japanese or Korean one, anywhere, as FTS5 matches its characters next to each other. Across
/// sessions, hits come by trigram similarity, best first; within one session, newest first.
extension PostgresStore {
    func search(_ query: SearchQuery, in scope: TenantScope) async throws -> [SearchHit] {
        let terms = query.text.split(whereSeparator: \.isWhitespace).map(String.init)
        return try await read { connection in
            var select = PostgresQuery(unsafeSQL: "")
            var conditions: [String] = []
            for term in terms {
                let escaped = NSRegularExpression.escapedPattern(for: term)
                let cjk = term.unicodeScalars.contains(where: SearchText.isCJK)
                conditions.append("d.body ~* \(try select.bind(cjk ? escaped : "\\m\(escaped)\\M"))")
            }
            if let sessionId = query.sessionId {
                let lineage = try await lineage(
                    connection, of: try await session(connection, scope, sessionId, locking: false))
                let segments = try lineage.segments.map { segment in
                    "(d.sessionKey = \(try select.bind(segment.owner)) AND d.seq BETWEEN "
                        + "\(try select.bind(segment.seqs.lowerBound)) AND \(try select.bind(segment.seqs.upperBound)))"
                }
                conditions.append("(" + (segments.isEmpty ? ["FALSE"] : segments).joined(separator: " OR ") + ")")
            }
            if let tenant = query.tenant { conditions.append("s.tenant = \(try select.bind(tenant))") }
            if let scoped = try scope.postgresCondition(on: "s.tenant", binding: &select) { conditions.append(scoped) }
            if !query.roles.isEmpty {
                let roles = try query.roles.map(\.rawValue).sorted().map { try select.bind($0) }
                conditions.append("d.role IN (\(roles.joined(separator: ", ")))")
            }
            if let toolName = query.toolName { conditions.append("d.toolName = \(try select.bind(toolName.withoutNUL))") }
            let similarity = "similarity(d.body, \(try select.bind(query.text)))"
            select.sql = """
                SELECT s.id, d.seq, d.kind, d.role, d.toolName, d.body, \(query.sessionId == nil ? similarity : "0")::float8
                FROM searchDoc d JOIN session s ON s.key = d.sessionKey
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY \(query.sessionId == nil ? "7 DESC, d.sessionKey, d.seq" : "d.seq DESC, d.id")
                LIMIT \(query.limit)
                """
            return try await connection.rows(select, logger: logger).map { row in
                let (id, seq, kind, role, toolName, body, similarity) =
                    try row.decode((String, Int, String, String, String?, String, Double).self)
                return SearchHit(
                    sessionId: query.sessionId ?? id, seq: seq,
                    kind: try SearchHit.Kind(rawValue: kind).orInvalidRow("kind"),
                    role: try Role(rawValue: role).orInvalidRow("role"), toolName: toolName,
                    snippet: SearchSnippet.make(
                        body, matching: terms, open: query.highlight.open, close: query.highlight.close),
                    rank: -similarity)
            }
        }
    }
}
