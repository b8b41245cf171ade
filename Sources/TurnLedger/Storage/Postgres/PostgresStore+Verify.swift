import Foundation
import PostgresNIO

/// `verify` on PostgreSQL: no damaged page the server found (data checksums), every guard trigger
/// in place and enabled, every invariant as a query (``InvariantCheck/postgres``), and every hash
/// chain recomputed from the rows.
extension PostgresStore {
    /// The triggers the migrations create, as PostgreSQL names them (unquoted names fold to lower case).
    static let guardTriggers: [String] = PostgresMigrator.migrations.flatMap { migration in
        String(decoding: migration.sql, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line in
            let words = line.split(separator: " ")
            if words.count > 2, words[0] == "CREATE", words[1] == "TRIGGER" { return words[2].lowercased() }
            if words.count > 3, words[0] == "CREATE", words[1] == "CONSTRAINT", words[2] == "TRIGGER" {
                return words[3].lowercased()
            }
            return nil
        }
    }

    func verify() async throws -> VerificationReport {
        try await read { connection in
            var problems: [VerificationReport.Problem] = []
            // Pages whose checksum failed when the server read them (NULL without data checksums).
            if let failures = try await connection.firstRow(
                "SELECT checksum_failures FROM pg_stat_database WHERE datname = current_database()", logger: logger
            ).flatMap({ try $0.decode(Int?.self) }), failures > 0 {
                problems.append(
                    .init(check: "integrity", detail: "PostgreSQL found \(failures) damaged pages (data checksums)"))
            }
            var triggers: [String: String] = [:]
            for row in try await connection.rows(
                "SELECT tgname::text, tgenabled::text FROM pg_trigger WHERE NOT tgisinternal", logger: logger)
            {
                let (name, enabled) = try row.decode((String, String).self)
                triggers[name] = enabled
            }
            for name in Self.guardTriggers {
                switch triggers[name] {
                case nil: problems.append(.init(check: "guard_trigger", detail: "trigger \(name) is missing"))
                case "D": problems.append(.init(check: "guard_trigger", detail: "trigger \(name) is disabled"))
                default: break
                }
            }
            for check in InvariantCheck.postgres {
                for row in try await connection.rows(PostgresQuery(unsafeSQL: check.sql), logger: logger) {
                    problems.append(.init(check: check.name, detail: try row.decode(String.self)))
                }
            }
            for line in try await brokenHashChains(connection) {
                problems.append(.init(check: "hash_chain", detail: line))
            }
            let names = ["integrity", "guard_trigger"] + InvariantCheck.postgres.map(\.name) + ["hash_chain"]
            return VerificationReport(checks: names, problems: problems)
        }
    }

    /// Recomputes every session's hash chain from its rows and names the first seq whose stored
    /// hash differs, as on SQLite.
    private func brokenHashChains(_ connection: PostgresConnection) async throws -> [String] {
        var broken: [String] = []
        for session in try await sessionsParentsFirst(connection) {
            let lineage = try await lineage(connection, of: session)
            let previous = try await hash(connection, of: lineage, at: lineage.forkSeq)
            var stored: [Int: Data] = [:]
            for row in try await connection.rows(
                "SELECT seq, hash FROM logHash WHERE sessionKey = \(session.key)", logger: logger)
            {
                let (seq, hash) = try row.decode((Int, Data).self)
                stored[seq] = hash
            }
            let items = try await logItems(connection, of: session.key, after: lineage.forkSeq)
            if let firstBroken = LogIndex.firstBreak(of: items, after: previous, stored: stored) {
                broken.append("session '\(session.id)': the hash chain breaks at seq \(firstBroken)")
            }
        }
        return broken
    }

    /// Every session (of `scope`), parents before their forks (``SharedSQL/sessionsParentsFirst(where:)``).
    func sessionsParentsFirst(_ connection: PostgresConnection, in scope: TenantScope = .all) async throws
        -> [SessionRef]
    {
        let condition = try scope.postgresCondition(on: "s.tenant")
        let query = PostgresQuery(
            unsafeSQL: SharedSQL.sessionsParentsFirst(where: condition.sql), binds: condition.binds)
        return try await connection.rows(query, logger: logger).map { row in
            let (key, id) = try row.decode((Int64, String).self)
            return SessionRef(key: key, id: id)
        }
    }

    /// The stored hash at `seq` of a history; the genesis hash for seq 0.
    func hash(_ connection: PostgresConnection, of lineage: Lineage, at seq: Int) async throws -> Data {
        guard seq > 0, let owner = lineage.owner(of: seq) else { return LogIndex.genesis }
        return try await connection.firstRow(
            "SELECT hash FROM logHash WHERE sessionKey = \(owner) AND seq = \(seq)", logger: logger
        ).map { try $0.decode(Data.self) } ?? LogIndex.genesis
    }

    /// The session's own log rows with seq above `after`, as the hash chain covers them.
    private func logItems(_ connection: PostgresConnection, of sessionKey: Int64, after: Int) async throws -> [LogItem] {
        let calls = Dictionary(
            grouping: try await connection.rows(
                """
                SELECT \(unescaped: ToolCallRecord.postgresColumns) FROM toolCall
                WHERE sessionKey = \(sessionKey) AND turnSeq > \(after) ORDER BY turnSeq, position
                """, logger: logger
            ).map(ToolCallRecord.init), by: \.turnSeq)
        let results = Dictionary(
            grouping: try await connection.rows(
                """
                SELECT \(unescaped: ToolResultRecord.postgresColumns) FROM toolResult
                WHERE sessionKey = \(sessionKey) AND turnSeq > \(after) ORDER BY turnSeq, position
                """, logger: logger
            ).map(ToolResultRecord.init), by: \.turnSeq)
        let usages = try await usages(connection, of: sessionKey, seqs: (after + 1)...Int.max)
        var items: [LogItem] = []
        for row in try await connection.rows(
            """
            SELECT \(unescaped: EntryRecord.postgresColumns) FROM entry
            WHERE sessionKey = \(sessionKey) AND seq > \(after) ORDER BY seq
            """, logger: logger)
        {
            let entry = try EntryRecord(row)
            let turnCalls = (calls[entry.seq] ?? []).map(\.call)
            items.append(
                LogItem.appended(
                    entry, parts: (try? PartsCodec.decode(entry.parts)) ?? [], usage: usages[entry.seq], calls: turnCalls))
            for result in results[entry.seq] ?? [] {
                let staged = OpenResultRecord(
                    sessionKey: sessionKey, position: result.position, outcome: result.outcome, parts: result.parts,
                    recordedAt: result.recordedAt)
                let name = result.position < turnCalls.count ? turnCalls[result.position].name : nil
                items.append(
                    LogItem.recorded(
                        staged, turnSeq: entry.seq, callId: result.callId, toolName: name,
                        parts: (try? PartsCodec.decode(result.parts)) ?? []))
            }
        }
        return items
    }
}
