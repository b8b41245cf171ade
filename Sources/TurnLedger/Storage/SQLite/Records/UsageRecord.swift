import GRDB

/// A row of `entryUsage`: the token usage of one assistant entry.
struct UsageRecord {
    var sessionKey: Int64
    var seq: Int
    var usage: TokenUsage

    static let selectedColumns = "seq, model, inputTokens, outputTokens, cachedTokens, reasoningTokens"

    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO entryUsage (sessionKey, seq, model, inputTokens, outputTokens, cachedTokens, reasoningTokens)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            sessionKey, seq, usage.model, usage.inputTokens, usage.outputTokens, usage.cachedTokens,
            usage.reasoningTokens,
        ])
    }

    /// The usage of a row selected with ``selectedColumns`` (its seq at index 0).
    static func usage(row: Row) throws -> TokenUsage {
        TokenUsage(
            model: try row.optionalText(at: 1),
            inputTokens: row[2],
            outputTokens: row[3],
            cachedTokens: row[4],
            reasoningTokens: row[5]
        )
    }

    /// The usage of the row a history read stands on, selected with ``selectedColumns``.
    static func usage(_ row: CurrentRow) throws -> TokenUsage {
        TokenUsage(
            model: row.isNull(1) ? nil : row.text(1),
            inputTokens: row.optionalInt(2),
            outputTokens: row.optionalInt(3),
            cachedTokens: row.optionalInt(4),
            reasoningTokens: row.optionalInt(5)
        )
    }

    /// The usage of the session's own entries with seq in `seqs`, by seq.
    static func usages(_ db: Database, in sessionKey: Int64, seqs: ClosedRange<Int>) throws -> [Int: TokenUsage] {
        var usages: [Int: TokenUsage] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT \(selectedColumns) FROM entryUsage
                    WHERE sessionKey = ? AND seq BETWEEN ? AND ? ORDER BY seq
                    """),
            arguments: [sessionKey, seqs.lowerBound, seqs.upperBound])
        while let row = try rows.next() { usages[row[0]] = try usage(row: row) }
        return usages
    }
}
