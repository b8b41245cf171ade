/// The invariants of ``InvariantCheck/sqlite`` in PostgreSQL's SQL, under the same names and with the
/// same lines: `verify` on a PostgreSQL store runs these. A call's id is `bytea` there; a line
/// shows it with `encode(…, 'escape')`.
extension InvariantCheck {
    private static func postgresSession(_ key: String) -> String {
        """
        coalesce(
            (SELECT quote_literal(id) || CASE WHEN tenant IS NULL THEN '' ELSE ' of tenant ' || quote_literal(tenant) END
             FROM session WHERE key = \(key)),
            'key ' || \(key))
        """
    }

    private static func postgresLineage(ofSessionsWith entries: String) -> String {
        """
        WITH RECURSIVE lineage(sessionKey, owner, lastSeq) AS (
            SELECT DISTINCT sessionKey, sessionKey, 9223372036854775807::bigint FROM entry WHERE \(entries)
            UNION ALL
            SELECT l.sessionKey, s.parentKey, least(l.lastSeq, s.parentSeq)
            FROM lineage l JOIN session s ON s.key = l.owner
            WHERE s.parentKey IS NOT NULL)
        """
    }

    static let postgres: [InvariantCheck] = [
        InvariantCheck(
            name: "call_without_result",
            sql: """
                SELECT 'session ' || \(postgresSession("c.sessionKey")) || ' seq ' || c.turnSeq || ': call '
                    || quote_literal(encode(c.callId, 'escape')) || ' at position ' || c.position || ' has no result'
                FROM toolCall c
                LEFT JOIN toolResult r
                    ON r.sessionKey = c.sessionKey AND r.turnSeq = c.turnSeq AND r.position = c.position
                WHERE r.callId IS DISTINCT FROM c.callId
                """),
        InvariantCheck(
            name: "result_without_call",
            sql: """
                SELECT 'session ' || \(postgresSession("r.sessionKey")) || ' seq ' || (r.turnSeq + 1 + r.position)
                    || ': result for ' || quote_literal(encode(r.callId, 'escape'))
                    || ' answers no call at position ' || r.position
                FROM toolResult r
                LEFT JOIN toolCall c
                    ON c.sessionKey = r.sessionKey AND c.turnSeq = r.turnSeq AND c.position = r.position
                WHERE c.callId IS DISTINCT FROM r.callId
                """),
        InvariantCheck(
            name: "tool_rows_without_turn",
            sql: """
                SELECT 'session ' || \(postgresSession("t.sessionKey")) || ' seq ' || t.turnSeq || ': ' || t.kind
                    || ' at position ' || t.position || ' belongs to no assistant entry with that many calls'
                FROM (
                    SELECT sessionKey, turnSeq, position, 'call' AS kind FROM toolCall
                    UNION ALL SELECT sessionKey, turnSeq, position, 'result' FROM toolResult
                ) t
                LEFT JOIN entry e ON e.sessionKey = t.sessionKey AND e.seq = t.turnSeq
                WHERE e.seq IS NULL OR t.position >= e.callCount
                """),
        InvariantCheck(
            name: "turn_missing_calls",
            sql: """
                SELECT 'session ' || \(postgresSession("e.sessionKey")) || ' seq ' || e.seq || ': the assistant entry made '
                    || e.callCount || ' calls but the log holds ' || count(c.position)
                FROM entry e
                LEFT JOIN toolCall c ON c.sessionKey = e.sessionKey AND c.turnSeq = e.seq
                WHERE e.callCount > 0
                GROUP BY e.sessionKey, e.seq
                HAVING count(c.position) != e.callCount
                """),
        InvariantCheck(
            name: "seq_not_dense",
            sql: """
                SELECT 'session ' || \(postgresSession("sessionKey")) || ': after seq ' || seq || ' comes seq ' || nextSeq
                    || ', not ' || (seq + callCount + 1)
                FROM (
                    SELECT sessionKey, seq, callCount, lead(seq) OVER (PARTITION BY sessionKey ORDER BY seq) AS nextSeq
                    FROM entry
                ) AS e
                WHERE nextSeq IS NOT NULL AND nextSeq != seq + callCount + 1
                UNION ALL
                SELECT 'session ' || \(postgresSession("s.key")) || ': the log starts at seq ' || min(e.seq)
                    || ', not ' || (coalesce(s.parentSeq, 0) + 1)
                FROM session s JOIN entry e ON e.sessionKey = s.key
                GROUP BY s.key
                HAVING min(e.seq) != coalesce(s.parentSeq, 0) + 1
                """),
        InvariantCheck(
            name: "summary_splits_turn",
            sql: """
                \(postgresLineage(ofSessionsWith: "summaryTo IS NOT NULL"))
                SELECT 'session ' || \(postgresSession("s.sessionKey")) || ' seq ' || s.seq || ': the summary of '
                    || s.summaryFrom || '...' || s.summaryTo || ' splits the turn at seq ' || e.seq
                    || CASE WHEN l.owner = s.sessionKey THEN '' ELSE ' (inherited from ' || \(postgresSession("l.owner")) || ')' END
                FROM entry s
                JOIN lineage l ON l.sessionKey = s.sessionKey
                JOIN entry e ON e.sessionKey = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
                WHERE s.summaryTo IS NOT NULL
                  AND ((e.seq <= s.summaryTo AND s.summaryTo < e.seq + e.callCount)
                    OR (e.seq < s.summaryFrom AND s.summaryFrom <= e.seq + e.callCount))
                """),
        InvariantCheck(
            name: "rewind_inside_turn",
            sql: """
                \(postgresLineage(ofSessionsWith: "rewindTo IS NOT NULL"))
                SELECT 'session ' || \(postgresSession("r.sessionKey")) || ' seq ' || r.seq || ': the rewind to seq '
                    || r.rewindTo || ' lands inside the turn at seq ' || e.seq
                FROM entry r
                JOIN lineage l ON l.sessionKey = r.sessionKey
                JOIN entry e ON e.sessionKey = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
                WHERE r.rewindTo IS NOT NULL AND e.seq <= r.rewindTo AND r.rewindTo < e.seq + e.callCount
                """),
        InvariantCheck(
            name: "entry_without_session",
            sql: """
                SELECT 'session ' || \(postgresSession("e.sessionKey")) || ' seq ' || e.seq || ': the session does not exist'
                FROM entry e LEFT JOIN session s ON s.key = e.sessionKey
                WHERE s.key IS NULL
                """),
        InvariantCheck(
            name: "open_turn_out_of_place",
            sql: """
                SELECT 'session ' || \(postgresSession("t.sessionKey")) || ': the open turn holds seq ' || t.seq
                    || ' but the next seq is ' || coalesce(n.seq::text, 'none')
                    || ' with ' || (SELECT count(*) FROM openCall c WHERE c.sessionKey = t.sessionKey)
                    || ' staged calls for ' || t.callCount
                FROM openTurn t LEFT JOIN sessionNextSeq n ON n.sessionKey = t.sessionKey
                WHERE n.seq IS DISTINCT FROM t.seq
                    OR (SELECT count(*) FROM openCall c WHERE c.sessionKey = t.sessionKey) != t.callCount
                """),
        InvariantCheck(
            // PostgreSQL enforces foreign keys, unless a superuser turned their triggers off
            // (`session_replication_role = replica`): each reference, checked as a query.
            name: "foreign_key",
            sql: """
                SELECT 'table ' || child || ' row ' || row || ' references a missing row of ' || parent FROM (
                    SELECT 'entry' AS child, sessionKey || ':' || seq AS row, 'session' AS parent FROM entry x
                        WHERE NOT EXISTS (SELECT 1 FROM session WHERE key = x.sessionKey)
                    UNION ALL SELECT 'session', key::text, 'session' FROM session x
                        WHERE parentKey IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session WHERE key = x.parentKey)
                    UNION ALL SELECT 'entryUsage', sessionKey || ':' || seq, 'entry' FROM entryUsage x
                        WHERE NOT EXISTS (SELECT 1 FROM entry WHERE sessionKey = x.sessionKey AND seq = x.seq)
                    UNION ALL SELECT 'openTurn', sessionKey::text, 'session' FROM openTurn x
                        WHERE NOT EXISTS (SELECT 1 FROM session WHERE key = x.sessionKey)
                    UNION ALL SELECT 'openCall', sessionKey || ':' || position, 'openTurn' FROM openCall x
                        WHERE NOT EXISTS (SELECT 1 FROM openTurn WHERE sessionKey = x.sessionKey)
                    UNION ALL SELECT 'openResult', sessionKey || ':' || position, 'openCall' FROM openResult x
                        WHERE NOT EXISTS (
                            SELECT 1 FROM openCall WHERE sessionKey = x.sessionKey AND position = x.position)
                    UNION ALL SELECT 'searchDoc', id::text, 'session' FROM searchDoc x
                        WHERE NOT EXISTS (SELECT 1 FROM session WHERE key = x.sessionKey)
                ) AS missing
                """),
    ]
}
