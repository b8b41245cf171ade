import GRDB

extension Ledger {
    /// A session's committed log, in seq order, read in one transaction (a snapshot).
    ///
    /// Each assistant entry carries its calls, and the result of each call follows it as a
    /// `tool` entry, in call order. An open turn is not part of the log: see ``currentTurn(in:)``.
    /// A fork's log is its parent's up to the fork point, then its own entries.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func entries(in sessionID: String) async throws -> [Entry] {
        try await read { db in try Self.entries(db, in: scope.session(db, sessionID)) }
    }

    /// The committed log of a session, inside the caller's transaction. Entries are built straight
    /// from the rows: this is the read path of every context build.
    ///
    /// - Parameters:
    ///   - seqs: Which messages: an assistant entry in the range comes with all its results,
    ///     even past the range's end, so a turn is never cut.
    ///   - limit: At most this many messages (results not counted), the oldest first.
    static func entries(
        _ db: Database,
        in session: SessionRef,
        seqs: ClosedRange<Int> = 1...Int.max,
        limit: Int? = nil
    ) throws -> [Entry] {
        var entries: [Entry] = []
        var remaining = limit ?? Int.max
        for segment in try Lineage.of(db, session).segments(within: seqs) where remaining > 0 {
            let read = try ownEntries(db, segment, as: session.id, limit: remaining)
            remaining -= read.messages
            entries += read.entries
        }
        return entries
    }

    /// The rows `segment` names, as entries of `sessionID`'s history.
    /// The committed entries with seq above `seq` (at most `limit` messages and their results);
    /// when `seq` falls inside a turn, the rest of that turn first (its results after `seq`). The
    /// one reading of "entries after N" for pages and tails.
    static func entries(_ db: Database, in session: SessionRef, after seq: Int, limit: Int? = nil) throws -> [Entry] {
        var lower = seq + 1
        if seq >= 1, let owner = try Lineage.of(db, session).owner(of: seq),
            let turn = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT seq, callCount FROM entry WHERE sessionKey = ? AND seq <= ? ORDER BY seq DESC LIMIT 1"),
                arguments: [owner, seq]),
            (turn[0] as Int) + (turn[1] as Int) > seq
        {
            lower = turn[0]
        }
        let turnEntry = lower <= seq ? 1 : 0  // read to find its results, then left out
        return try entries(db, in: session, seqs: lower...Int.max, limit: limit.map { $0 + turnEntry })
            .filter { $0.seq > seq }
    }

    private static func ownEntries(
        _ db: Database,
        _ segment: Lineage.Segment,
        as sessionID: String,
        limit: Int
    ) throws -> (entries: [Entry], messages: Int) {
        let owner = segment.owner
        var messages: [Entry] = []
        let messageRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT \(EntryRecord.selectedColumns) FROM entry
                    WHERE sessionKey = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?
                    """),
            arguments: [owner, segment.seqs.lowerBound, segment.seqs.upperBound, limit])
        while let row = try messageRows.next() {
            messages.append(try EntryRecord.entry(row: row, in: sessionID))
        }
        guard let last = messages.last else { return ([], 0) }
        let turns = segment.seqs.lowerBound...last.seq
        let calls = try SQLRequest<ToolCallRecord>(
            sql: """
                SELECT \(ToolCallRecord.selectedColumns) FROM toolCall
                WHERE sessionKey = ? AND turnSeq BETWEEN ? AND ? ORDER BY turnSeq, position
                """,
            arguments: [owner, turns.lowerBound, turns.upperBound],
            cached: true
        ).fetchAll(db)
        var results: [Int: [Entry]] = [:]  // by turn
        let resultRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT \(ToolResultRecord.selectedColumns) FROM toolResult
                    WHERE sessionKey = ? AND turnSeq BETWEEN ? AND ? ORDER BY turnSeq, position
                    """),
            arguments: [owner, turns.lowerBound, turns.upperBound])
        while let row = try resultRows.next() {
            results[row[1], default: []].append(try ToolResultRecord.entry(row: row, in: sessionID))
        }
        let usages = try UsageRecord.usages(db, in: owner, seqs: turns)
        let callsByTurn = Dictionary(grouping: calls, by: \.turnSeq)
        var entries: [Entry] = []
        entries.reserveCapacity(messages.count + calls.count)
        for var entry in messages {
            entry.toolCalls = callsByTurn[entry.seq]?.map(\.call) ?? []
            entry.usage = usages[entry.seq]
            entries.append(entry)
            entries += results[entry.seq] ?? []
        }
        return (entries, messages.count)
    }
}
