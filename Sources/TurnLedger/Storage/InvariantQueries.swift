/// The invariant queries both engines run, written once: where SQLite's and PostgreSQL's SQL
/// differ, a ``SQLDialect`` says how. Each engine adds its own `foreign_key` check
/// (``InvariantCheck/sqlite``, ``InvariantCheck/postgres``).
struct SQLDialect: Sendable {
    /// A text expression as a quoted SQL literal.
    var quote: @Sendable (String) -> String
    /// A call id column as a quoted literal (text on SQLite, bytes on PostgreSQL).
    var quoteCallId: @Sendable (String) -> String
    /// Whether two expressions differ, NULL counting as a value.
    var differs: @Sendable (String, String) -> String
    /// The smaller of two values.
    var least: @Sendable (String, String) -> String
    /// An integer expression as text.
    var text: @Sendable (String) -> String
    /// The largest seq, as a literal of the seq's type.
    var maxSeq: String

    static let sqlite = SQLDialect(
        quote: { "quote(\($0))" }, quoteCallId: { "quote(\($0))" }, differs: { "\($0) IS NOT \($1)" },
        least: { "min(\($0), \($1))" }, text: { $0 }, maxSeq: "9223372036854775807")

    static let postgres = SQLDialect(
        quote: { "quote_literal(\($0))" }, quoteCallId: { "quote_literal(encode(\($0), 'escape'))" },
        differs: { "\($0) IS DISTINCT FROM \($1)" }, least: { "least(\($0), \($1))" }, text: { "\($0)::text" },
        maxSeq: "9223372036854775807::bigint")
}

extension InvariantCheck {
    /// SQL that names the session whose key `key` is, as the lines do: its id quoted, with its
    /// tenant when it has one; its key when the session row is missing.
    static func session(_ dialect: SQLDialect, _ key: String) -> String {
        """
        coalesce(
            (SELECT \(dialect.quote("id")) || CASE WHEN tenant IS NULL THEN '' ELSE ' of tenant ' || \(dialect.quote("tenant")) END
             FROM session WHERE key = \(key)),
            'key ' || \(key))
        """
    }

    /// `WITH RECURSIVE lineage(sessionKey, owner, lastSeq)`: for each session with an entry that
    /// `entries` (a condition on `entry`) selects, the sessions whose rows its history reads, each
    /// up to the seq it reads to (its own rows, then each ancestor's up to the fork point).
    static func lineage(_ dialect: SQLDialect, ofSessionsWith entries: String) -> String {
        """
        WITH RECURSIVE lineage(sessionKey, owner, lastSeq) AS (
            SELECT DISTINCT sessionKey, sessionKey, \(dialect.maxSeq) FROM entry WHERE \(entries)
            UNION ALL
            SELECT l.sessionKey, s.parentKey, \(dialect.least("l.lastSeq", "s.parentSeq"))
            FROM lineage l JOIN session s ON s.key = l.owner
            WHERE s.parentKey IS NOT NULL)
        """
    }

    /// Every check but `foreign_key`, in `dialect`'s SQL.
    static func common(_ dialect: SQLDialect) -> [InvariantCheck] {
        [
            InvariantCheck(
                name: "call_without_result",
                sql: """
                    SELECT 'session ' || \(session(dialect, "c.sessionKey")) || ' seq ' || c.turnSeq || ': call ' || \(dialect.quoteCallId("c.callId"))
                        || ' at position ' || c.position || ' has no result'
                    FROM toolCall c
                    LEFT JOIN toolResult r
                        ON r.sessionKey = c.sessionKey AND r.turnSeq = c.turnSeq AND r.position = c.position
                    WHERE \(dialect.differs("r.callId", "c.callId"))
                    """),
            InvariantCheck(
                name: "result_without_call",
                sql: """
                    SELECT 'session ' || \(session(dialect, "r.sessionKey")) || ' seq ' || (r.turnSeq + 1 + r.position)
                        || ': result for ' || \(dialect.quoteCallId("r.callId")) || ' answers no call at position ' || r.position
                    FROM toolResult r
                    LEFT JOIN toolCall c
                        ON c.sessionKey = r.sessionKey AND c.turnSeq = r.turnSeq AND c.position = r.position
                    WHERE \(dialect.differs("c.callId", "r.callId"))
                    """),
            InvariantCheck(
                name: "tool_rows_without_turn",
                sql: """
                    SELECT 'session ' || \(session(dialect, "t.sessionKey")) || ' seq ' || t.turnSeq || ': ' || t.kind
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
                    SELECT 'session ' || \(session(dialect, "e.sessionKey")) || ' seq ' || e.seq || ': the assistant entry made '
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
                    SELECT 'session ' || \(session(dialect, "sessionKey")) || ': after seq ' || seq || ' comes seq ' || nextSeq
                        || ', not ' || (seq + callCount + 1)
                    FROM (
                        SELECT sessionKey, seq, callCount, lead(seq) OVER (PARTITION BY sessionKey ORDER BY seq) AS nextSeq
                        FROM entry
                    ) AS e
                    WHERE nextSeq IS NOT NULL AND nextSeq != seq + callCount + 1
                    UNION ALL
                    SELECT 'session ' || \(session(dialect, "s.key")) || ': the log starts at seq ' || min(e.seq)
                        || ', not ' || (coalesce(s.parentSeq, 0) + 1)
                    FROM session s JOIN entry e ON e.sessionKey = s.key
                    GROUP BY s.key
                    HAVING min(e.seq) != coalesce(s.parentSeq, 0) + 1
                    """),
            InvariantCheck(
                name: "summary_splits_turn",
                // Over the whole history each summary reads: its session's rows, then each
                // ancestor's up to the fork point.
                sql: """
                    \(lineage(dialect, ofSessionsWith: "summaryTo IS NOT NULL"))
                    SELECT 'session ' || \(session(dialect, "s.sessionKey")) || ' seq ' || s.seq || ': the summary of '
                        || s.summaryFrom || '...' || s.summaryTo || ' splits the turn at seq ' || e.seq
                        || CASE WHEN l.owner = s.sessionKey THEN '' ELSE ' (inherited from ' || \(session(dialect, "l.owner")) || ')' END
                    FROM entry s
                    JOIN lineage l ON l.sessionKey = s.sessionKey
                    JOIN entry e ON e.sessionKey = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
                    WHERE s.summaryTo IS NOT NULL
                      AND ((e.seq <= s.summaryTo AND s.summaryTo < e.seq + e.callCount)
                        OR (e.seq < s.summaryFrom AND s.summaryFrom <= e.seq + e.callCount))
                    """),
            InvariantCheck(
                name: "rewind_inside_turn",
                // A rewind marker's target, over the history it reads (as for summaries).
                sql: """
                    \(lineage(dialect, ofSessionsWith: "rewindTo IS NOT NULL"))
                    SELECT 'session ' || \(session(dialect, "r.sessionKey")) || ' seq ' || r.seq || ': the rewind to seq '
                        || r.rewindTo || ' lands inside the turn at seq ' || e.seq
                    FROM entry r
                    JOIN lineage l ON l.sessionKey = r.sessionKey
                    JOIN entry e ON e.sessionKey = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
                    WHERE r.rewindTo IS NOT NULL AND e.seq <= r.rewindTo AND r.rewindTo < e.seq + e.callCount
                    """),
            InvariantCheck(
                name: "entry_without_session",
                sql: """
                    SELECT 'session ' || \(session(dialect, "e.sessionKey")) || ' seq ' || e.seq || ': the session does not exist'
                    FROM entry e LEFT JOIN session s ON s.key = e.sessionKey
                    WHERE s.key IS NULL
                    """),
            InvariantCheck(
                name: "open_turn_out_of_place",
                sql: """
                    SELECT 'session ' || \(session(dialect, "t.sessionKey")) || ': the open turn holds seq ' || t.seq
                        || ' but the next seq is ' || coalesce(\(dialect.text("n.seq")), 'none')
                        || ' with ' || (SELECT count(*) FROM openCall c WHERE c.sessionKey = t.sessionKey)
                        || ' staged calls for ' || t.callCount
                    FROM openTurn t LEFT JOIN sessionNextSeq n ON n.sessionKey = t.sessionKey
                    WHERE \(dialect.differs("n.seq", "t.seq"))
                        OR (SELECT count(*) FROM openCall c WHERE c.sessionKey = t.sessionKey) != t.callCount
                    """),
        ]
    }
}
