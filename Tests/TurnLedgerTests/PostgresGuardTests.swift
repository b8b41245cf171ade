import Foundation
import Logging
import Testing

@testable import TurnLedger

/// The PostgreSQL schema (Storage/Postgres/Migrations) keeps the ledger's invariants for any client:
/// the library migrates the database, then each case runs through `psql` against a real server, as
/// another program would write.
@Suite struct PostgresGuardTests {
    /// A database with the schema and one session `s1`: seq 1 a user message, seq 2 a turn of two
    /// calls (`a` succeeded, `b` a 403) with their results at 3 and 4.
    private func ledger(_ cluster: PostgresCluster) async throws -> String {
        let database = try await cluster.createDatabase()
        try await cluster.withClient(database) { client in
            try await PostgresMigrator(logger: Logger(label: "test")).migrate(client)
        }
        let written = cluster.psql(
            database,
            """
            INSERT INTO session (id, createdAt) VALUES ('s1', '2026-12-01T00:00:00.000Z');
            INSERT INTO entry (sessionKey, seq, role, parts, createdAt)
                VALUES (1, 1, 'user', '[{"text":"Погода в Москве?","type":"text"}]', '2026-12-01T00:00:00.001Z');
            BEGIN;
            INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt)
                VALUES (1, 2, 'assistant', '[]', 2, '2026-12-01T00:00:00.002Z');
            INSERT INTO toolResult VALUES (1, 2, 1, 'b', 'error', '[{"text":"HTTP 403","type":"text"}]', '2026-12-01T00:00:00.003Z');
            INSERT INTO toolResult VALUES (1, 2, 0, 'a', 'success', '[{"text":"-3°C","type":"text"}]', '2026-12-01T00:00:00.004Z');
            INSERT INTO toolCall VALUES (1, 2, 0, 'a', 'fetch', '{"url":"https://wttr.in/Moscow"}');
            INSERT INTO toolCall VALUES (1, 2, 1, 'b', 'fetch', '{"url":');
            COMMIT;
            """)
        #expect(written.status == 0, "\(written.stderr)")
        return database
    }

    private func counts(_ cluster: PostgresCluster, _ database: String) -> String {
        cluster.psql(
            database,
            """
            SELECT (SELECT count(*) FROM session) || ' ' || (SELECT count(*) FROM entry) || ' '
                || (SELECT count(*) FROM toolCall) || ' ' || (SELECT count(*) FROM toolResult)
            """
        ).stdout
    }

    @Test func theSchemaRefusesWhatTheLedgerNeverWritesWhoeverWrites() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await ledger(cluster)
        let before = counts(cluster, database)
        #expect(before == "1 2 2 2\n")

        let refused: [(String, String)] = [
            // A call committed without its result, with its result's id wrong, or a result without its call.
            (
                "BEGIN; INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES (1, 5, 'assistant', '[]', 1, 'x');"
                    + " INSERT INTO toolCall VALUES (1, 5, 0, 'c', 'f', '{}'); COMMIT;",
                "toolcallneedsitsresult"
            ),
            (
                "BEGIN; INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES (1, 5, 'assistant', '[]', 1, 'x');"
                    + " INSERT INTO toolCall VALUES (1, 5, 0, 'c', 'f', '{}');"
                    + " INSERT INTO toolResult VALUES (1, 5, 0, 'other', 'success', '[]', 'x'); COMMIT;",
                "violates foreign key constraint"
            ),
            (
                "BEGIN; INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES (1, 5, 'assistant', '[]', 1, 'x');"
                    + " INSERT INTO toolResult VALUES (1, 5, 0, 'c', 'success', '[]', 'x'); COMMIT;",
                "a tool call cannot be committed without its result"
            ),
            // An entry that says two calls but has one (with its result).
            (
                "BEGIN; INSERT INTO entry (sessionKey, seq, role, parts, callCount, createdAt) VALUES (1, 5, 'assistant', '[]', 2, 'x');"
                    + " INSERT INTO toolResult VALUES (1, 5, 0, 'c', 'success', '[]', 'x');"
                    + " INSERT INTO toolCall VALUES (1, 5, 0, 'c', 'f', '{}'); COMMIT;",
                "a tool call cannot be committed without its result"
            ),
            // The log is append-only.
            ("UPDATE entry SET parts = '[]' WHERE seq = 1", "the entry log is append-only"),
            ("UPDATE toolResult SET outcome = 'success'", "the entry log is append-only"),
            ("DELETE FROM toolResult WHERE callId = 'b'", "the entry log is append-only"),
            ("DELETE FROM entry", "the entry log is append-only"),
            ("TRUNCATE entry CASCADE", "the entry log is append-only"),
            ("DELETE FROM session", "a session is deleted only by a purge"),
            // Dense seqs, no entry while a turn is open, histories that end between turns.
            ("INSERT INTO entry (sessionKey, seq, role, parts, createdAt) VALUES (1, 9, 'user', '[]', 'x')", "the next seq"),
            (
                "BEGIN; INSERT INTO openTurn (sessionKey, seq, parts, callCount, openedAt) VALUES (1, 5, '[]', 1, 'x');"
                    + " INSERT INTO entry (sessionKey, seq, role, parts, createdAt) VALUES (1, 5, 'user', '[]', 'x'); COMMIT;",
                "the session has an open turn"
            ),
            (
                "INSERT INTO entry (sessionKey, seq, role, parts, createdAt, rewindTo) VALUES (1, 5, 'user', '[]', 'x', 3)",
                "a rewind must land between turns"
            ),
            (
                "INSERT INTO entry (sessionKey, seq, role, parts, createdAt, summaryFrom, summaryTo)"
                    + " VALUES (1, 5, 'user', '[{\"text\":\"s\",\"type\":\"text\"}]', 'x', 1, 2)",
                "a summary must cover whole turns"
            ),
            ("INSERT INTO session (id, createdAt, parentKey, parentSeq) VALUES ('f', 'x', 1, 2)", "after a whole turn"),
            (
                "INSERT INTO session (id, tenant, createdAt, parentKey, parentSeq) VALUES ('f', 'acme', 'x', 1, 4)",
                "a fork belongs to its parent's tenant"
            ),
            ("UPDATE session SET id = 's2'", "cannot change"),
            ("INSERT INTO entry (sessionKey, seq, role, parts, createdAt) VALUES (1, 5, 'user', '{}', 'x')", "check constraint"),
        ]
        for (sql, message) in refused {
            let run = cluster.psql(database, sql)
            #expect(run.status != 0 && run.stderr.contains(message), "\(sql)\n\(run.stderr)")
            #expect(counts(cluster, database) == before, "\(sql) left rows behind")
        }

        // What the ledger does write is taken: a rewind between turns, a fork after a whole turn, a
        // purge (the one way rows leave), and the seq after all of them.
        let accepted = cluster.psql(
            database,
            """
            INSERT INTO entry (sessionKey, seq, role, parts, createdAt, rewindTo)
                VALUES (1, 5, 'user', '[]', '2026-12-01T00:00:02.000Z', 1);
            INSERT INTO session (id, createdAt, parentKey, parentSeq) VALUES ('f', '2026-12-01T00:00:01.000Z', 1, 4);
            SELECT seq FROM sessionNextSeq ORDER BY sessionKey;
            """)
        #expect(accepted.status == 0 && accepted.stdout == "6\n5\n", "\(accepted.stderr)")
        let purged = cluster.psql(
            database,
            """
            BEGIN;
            INSERT INTO purgeInProgress SELECT key FROM session WHERE id = 'f';
            DELETE FROM session WHERE id = 'f';
            DELETE FROM purgeInProgress;
            COMMIT;
            SELECT count(*) FROM session;
            """)
        #expect(purged.status == 0 && purged.stdout == "1\n", "\(purged.stderr)")
        // Search rows are append-only like the log.
        let searchRow = "INSERT INTO searchDoc (sessionKey, seq, kind, role, body) VALUES (1, 1, 'message', 'user', 'x')"
        #expect(cluster.psql(database, searchRow).status == 0)
        #expect(cluster.psql(database, "UPDATE searchDoc SET body = 'y'").stderr.contains("append-only"))
        // Activity is kept by the schema: the newest write's time.
        #expect(cluster.psql(database, "SELECT lastActivityAt FROM session WHERE key = 1").stdout == "2026-12-01T00:00:02.000Z\n")
    }

    /// The trigram index finds words of any script, case-insensitively, and a query can use it.
    @Test func searchRowsFindEnglishRussianAndJapaneseThroughTheTrigramIndex() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await ledger(cluster)
        let inserted = cluster.psql(
            database,
            """
            INSERT INTO searchDoc (sessionKey, seq, kind, role, position, toolName, body) VALUES
                (1, 1, 'message', 'user', NULL, NULL, 'Погода в Москве? And the weather in Tokyo?'),
                (1, 3, 'result', 'tool', 0, 'fetch', '東京の天気は晴れ、12°C'),
                (1, 4, 'result', 'tool', 1, 'fetch', 'HTTP 403 Forbidden');
            """)
        #expect(inserted.status == 0, "\(inserted.stderr)")
        for (word, seqs) in [("москве", "1"), ("WEATHER", "1"), ("天気", "3"), ("晴れ", "3"), ("forbidden", "4"), ("снег", "")] {
            let found = cluster.psql(
                database, "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM searchDoc WHERE body ILIKE '%\(word)%'")
            #expect(found.status == 0 && found.stdout == seqs + "\n", "\(word): \(found.stdout) \(found.stderr)")
        }
        let plan = cluster.psql(
            database, "SET enable_seqscan = off; EXPLAIN SELECT seq FROM searchDoc WHERE body ILIKE '%погода%'")
        #expect(plan.stdout.contains("searchdoctext"), "\(plan.stdout)")
    }
}
