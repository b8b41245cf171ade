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

    /// The committed log of a session, inside the caller's transaction.
    static func entries(_ db: Database, in sessionID: String) throws -> [Entry] {
        try Self.requireSession(db, sessionID)
        let messages = try SQLRequest<EntryRecord>(
            sql: "SELECT \(EntryRecord.selectedColumns) FROM entry WHERE sessionId = ? ORDER BY seq",
            arguments: [sessionID],
            cached: true
        ).fetchAll(db)
        let calls = try SQLRequest<ToolCallRecord>(
            sql:
                "SELECT \(ToolCallRecord.selectedColumns) FROM toolCall WHERE sessionId = ? ORDER BY turnSeq, position",
            arguments: [sessionID],
            cached: true
        ).fetchAll(db)
        let results = try SQLRequest<ToolResultRecord>(
            sql:
                "SELECT \(ToolResultRecord.selectedColumns) FROM toolResult WHERE sessionId = ? ORDER BY turnSeq, position",
            arguments: [sessionID],
            cached: true
        ).fetchAll(db)
        let callsByTurn = Dictionary(grouping: calls, by: \.turnSeq)
        let resultsByTurn = Dictionary(grouping: results, by: \.turnSeq)
        var entries: [Entry] = []
        entries.reserveCapacity(messages.count + results.count)
        for message in messages {
            entries.append(try message.entry(calls: callsByTurn[message.seq, default: []].map(\.call)))
            for result in resultsByTurn[message.seq, default: []] {
                entries.append(try result.entry())
            }
        }
        return entries
    }
}
