/// The invariants in SQLite's SQL: `verify` on an SQLite store runs these.
extension InvariantCheck {
    static let sqlite: [InvariantCheck] = common(.sqlite) + [
        InvariantCheck(
            name: "foreign_key",
            sql: """
                SELECT 'table ' || "table" || ' row ' || COALESCE(rowid, '?')
                    || ' references a missing row of ' || parent
                FROM pragma_foreign_key_check
                """),
    ]
}
