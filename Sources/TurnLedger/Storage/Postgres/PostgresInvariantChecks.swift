/// The invariants in PostgreSQL's SQL (``InvariantCheck/common(_:)`` in its dialect, and its own
/// `foreign_key` check): `verify` on a PostgreSQL store runs these. A call's id is `bytea` there; a
/// line shows it with `encode(…, 'escape')`.
extension InvariantCheck {
    static let postgres: [InvariantCheck] = common(.postgres) + [
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
