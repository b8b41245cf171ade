import Foundation
import GRDB

/// Search on SQLite: FTS5 over ``SearchDoc`` rows, then the rows the index has not taken yet.
extension SQLiteStore {
    func search(_ query: SearchQuery, in scope: TenantScope) async throws -> [SearchHit] {
        guard let match = SearchText.query(query.text) else { return [] }  // checked by the ledger
        return try await read { db in
            var expression = "body : (\(match))"
            var conditions: [String] = []
            var filters: StatementArguments = []
            if let sessionId = query.sessionId {
                // The session's scope tokens narrow the match inside the index; the seq ranges
                // then keep a fork's inherited rows to its prefix.
                let segments = try Lineage.of(db, scope.session(db, sessionId)).segments
                expression +=
                    " AND scope : (" + segments.map { SearchText.scope($0.owner) }.joined(separator: " OR ") + ")"
                conditions.append(
                    "("
                        + segments.map { _ in "(d.sessionKey = ? AND d.seq BETWEEN ? AND ?)" }
                        .joined(separator: " OR ") + ")")
                for segment in segments {
                    filters += [segment.owner, segment.seqs.lowerBound, segment.seqs.upperBound]
                }
            }
            if let tenant = query.tenant {
                conditions.append("d.sessionKey IN (SELECT key FROM session WHERE tenant = ?)")
                filters += [tenant]
            }
            if let scoped = scope.keyFilter("d.sessionKey") {
                conditions.append(scoped.sql)
                filters += scoped.arguments
            }
            if !query.roles.isEmpty {
                let roles = query.roles.map(\.rawValue).sorted()
                conditions.append("d.role IN (\(roles.map { _ in "?" }.joined(separator: ", ")))")
                filters += StatementArguments(roles)
            }
            if let toolName = query.toolName {
                conditions.append("d.toolName = CAST(? AS TEXT)")
                filters += [Data(toolName.utf8)]
            }
            let filter = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
            // The index, then the rows it has not taken yet: every committed row is searched.
            var hits = try Self.hits(db, in: "searchText", expression, filter, filters, query)
            if try SearchIndex.tail(db, filter: filter, arguments: filters) {
                hits += try Self.hits(db, in: "searchTail", expression, filter, filters, query)
                hits.sort { query.sessionId == nil ? $0.rank < $1.rank : $0.seq > $1.seq }
            }
            return Array(hits.prefix(query.limit))
        }
    }

    /// The hits of one FTS5 table over `searchDoc` rows.
    private static func hits(
        _ db: Database, in table: String, _ expression: String, _ filter: String, _ filters: StatementArguments,
        _ query: SearchQuery
    ) throws -> [SearchHit] {
        let arguments: StatementArguments =
            [query.highlight.open, query.highlight.close, expression] + filters + [query.limit]
        // BM25 needs each word's document count over the whole index, which costs as much as
        // the word is common in the store; within one session, hits come newest first.
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT (SELECT id FROM session WHERE key = d.sessionKey), d.seq, d.kind, d.role, d.toolName,
                    snippet(\(table), 0, ?, ?, '…', 16), \(query.sessionId == nil ? "\(table).rank" : "0.0")
                FROM \(table) CROSS JOIN searchDoc d ON d.id = \(table).rowid  -- the index first
                WHERE \(table) MATCH ? AND \(filter)
                ORDER BY \(query.sessionId == nil ? "\(table).rank" : "d.seq DESC")
                LIMIT ?
                """,
            arguments: arguments)
        return try rows.map { row in
            SearchHit(
                sessionId: try query.sessionId ?? row.text(at: 0),
                seq: row[1],
                kind: try SearchHit.Kind(rawValue: row[2]).orInvalidRow("kind"),
                role: try Role(rawValue: row[3]).orInvalidRow("role"),
                toolName: try row.optionalText(at: 4),
                snippet: SearchText.original(try row.text(at: 5)),
                rank: row[6]
            )
        }
    }
}
