import GRDB

extension Ledger {
    /// A session's committed log, in seq order, read in one transaction (a snapshot).
    ///
    /// Each assistant entry carries its calls, and the result of each call follows it as a
    /// `tool` entry, in call order. An open turn is not part of the log: see ``currentTurn(in:)``.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func entries(in sessionID: String) async throws -> [Entry] {
        try await writer.read { db in try Self.entries(db, in: sessionID) }
    }

    /// The committed log of a session, inside the caller's transaction. Entries are built straight
    /// from the rows: this is the read path of every context build.
    static func entries(_ db: Database, in sessionID: String) throws -> [Entry] {
        try Self.requireSession(db, sessionID)
        let calls = try SQLRequest<ToolCallRecord>(
            sql:
                "SELECT \(ToolCallRecord.selectedColumns) FROM toolCall WHERE sessionId = ? ORDER BY turnSeq, position",
            arguments: [sessionID],
            cached: true
        ).fetchAll(db)
        var results: [Int: [Entry]] = [:]  // by turn
        let resultRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT \(ToolResultRecord.selectedColumns) FROM toolResult
                    WHERE sessionId = ? ORDER BY turnSeq, position
                    """),
            arguments: [sessionID])
        while let row = try resultRows.next() {
            results[row[1], default: []].append(try ToolResultRecord.entry(row: row, in: sessionID))
        }
        let callsByTurn = Dictionary(grouping: calls, by: \.turnSeq)
        var entries: [Entry] = []
        let messageRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT \(EntryRecord.selectedColumns) FROM entry WHERE sessionId = ? ORDER BY seq"),
            arguments: [sessionID])
        while let row = try messageRows.next() {
            var entry = try EntryRecord.entry(row: row, in: sessionID)
            entry.toolCalls = callsByTurn[entry.seq]?.map(\.call) ?? []
            entries.append(entry)
            entries += results[entry.seq] ?? []
        }
        return entries
    }
}
