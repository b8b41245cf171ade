import GRDB

/// A row of `entryUsage`: the token usage of one assistant entry.
struct UsageRecord {
    var sessionKey: Int64
    var seq: Int
    var usage: TokenUsage

    static let selectedColumns = "seq, model, inputTokens, outputTokens, cachedTokens, reasoningTokens"

    /// The usages of a session's own entries with seq between two bounds, in seq order.
    static let selectInSeqs = """
        SELECT \(selectedColumns) FROM entryUsage
        WHERE sessionKey = ? AND seq BETWEEN ? AND ? ORDER BY seq
        """

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

    /// The usage of the row a cursor stands on, selected with ``selectedColumns`` (its seq at index 0).
    static func usage(_ row: CurrentRow) -> TokenUsage {
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
        let statement = try db.cachedStatement(sql: selectInSeqs)
        let rows = try Row.fetchCursor(statement, arguments: [sessionKey, seqs.lowerBound, seqs.upperBound])
        let row = CurrentRow(statement)
        while try rows.next() != nil { usages[row.int(0)] = usage(row) }
        return usages
    }
}
