extension Ledger {
    /// A session's committed log, in seq order, read in one transaction (a snapshot).
    ///
    /// Each assistant entry carries its calls, and the result of each call follows it as a
    /// `tool` entry, in call order. An open turn is not part of the log: see ``currentTurn(in:)``.
    /// A fork's log is its parent's up to the fork point, then its own entries.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func entries(in sessionID: String) async throws -> [Entry] {
        try await store.history(of: sessionID, in: scope, .all)
    }

    /// A log from its rows as PostgreSQL reads them: each message with its calls and usage, then
    /// its results. (SQLite builds its log as it steps the rows: `RowsBySeq`.)
    static func log(
        _ messages: [Entry], calls: [ToolCallRecord], results: [Int: [Entry]], usages: [Int: TokenUsage]
    ) -> [Entry] {
        let callsByTurn = Dictionary(grouping: calls, by: \.turnSeq)
        var entries: [Entry] = []
        entries.reserveCapacity(messages.count + calls.count)
        for var entry in messages {
            entry.toolCalls = callsByTurn[entry.seq]?.map(\.call) ?? []
            entry.usage = usages[entry.seq]
            entries.append(entry)
            entries += results[entry.seq] ?? []
        }
        return entries
    }
}
