import Foundation
import GRDB

/// Reading histories on SQLite: a fork's history is its parent's rows up to the fork point, then
/// its own; rewinds are applied by the shared ``Rewinds``, each entry built from its rows where it goes
/// in the log (``RowsBySeq``).
extension SQLiteStore {
    func history(of sessionID: String, in scope: TenantScope, _ request: HistoryRead) async throws -> [Entry] {
        // On this thread: decoding the rows is the read's cost, and the caller's next step (a
        // context build renders them) is CPU work of the same order on the same thread.
        try await readHere { db in
            let session = try scope.session(db, sessionID)
            switch request {
            case .all:
                return try Self.history(db, of: session, cache: historyCache)
            case .asOf(let seq):
                try Self.requireWholeTurns(db, try Lineage.of(db, session), at: seq)
                return try Self.entries(db, in: session, seqs: 1...seq)
            case .seqs(let seqs):
                return try Self.entries(db, in: session, seqs: seqs)
            case .after(let after, let limit):
                return try Self.entries(db, in: session, after: after, limit: limit)
            }
        }
    }

    func tailEntries(of session: SessionRef, after seq: Int) async throws -> [Entry] {
        try await read { db in try Self.entries(db, in: session, after: seq, log: true) }
    }

    /// The whole history of a session, inside the caller's transaction: the log `cache` holds of
    /// it (when the stored hash at its end is the one kept with it) and the rows committed after
    /// it, with every rewind applied; the cache then holds the log read. The read of every context build.
    static func history(_ db: Database, of session: SessionRef, cache: HistoryCache) throws -> [Entry] {
        let lineage = try Lineage.of(db, session)
        var log: [Entry]
        if let cached = cache.log(of: session),
            try LogIndex.storedHash(db, of: lineage, at: cached.seq) == cached.hash
        {
            cache.countHit()
            let newer = try logEntries(db, lineage, seqs: (cached.seq + 1)...Int.max)
            log = newer.isEmpty ? cached.entries : cached.entries + newer
            // The rows after the cached ones extend it as a write's would: the chain from its hash.
            if let last = newer.last, let hash = try LogIndex.storedHash(db, of: lineage, at: last.seq) {
                cache.extend(session, with: newer, chain: ChainStep(before: cached.hash, after: hash))
            }
        } else {
            log = try logEntries(db, lineage)
            if cache.isEnabled, let last = log.last, let hash = try LogIndex.storedHash(db, of: lineage, at: last.seq) {
                cache.store(HistoryCache.Log(entries: log, hash: hash), of: session)
            }
        }
        guard log.contains(where: { $0.rewindsTo != nil }) else { return log }
        return Rewinds.history(of: log, in: 1...Int.max, limit: nil)
    }

    /// The history of a session, inside the caller's transaction: its committed log with every
    /// rewind applied (docs/schema.md, "Rewind"), as it stood at `seqs.upperBound`, restricted to
    /// `seqs`. Entries are built straight from the rows: this is the read path of every context build.
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
        try entries(db, of: Lineage.of(db, session), seqs: seqs, limit: limit)
    }

    /// ``entries(_:in:seqs:limit:)`` of a lineage the caller has read already.
    private static func entries(
        _ db: Database,
        of lineage: Lineage,
        seqs: ClosedRange<Int>,
        limit: Int?
    ) throws -> [Entry] {
        guard try Rewinds.occur(db, in: lineage, upTo: seqs.upperBound) else {
            return try logEntries(db, lineage, seqs: seqs, limit: limit)
        }
        return Rewinds.history(of: try logEntries(db, lineage, seqs: 1...seqs.upperBound), in: seqs, limit: limit)
    }

    /// The committed log of a lineage as it is stored, rewind markers included: what a tail
    /// follows and the history is computed from.
    static func logEntries(
        _ db: Database,
        _ lineage: Lineage,
        seqs: ClosedRange<Int> = 1...Int.max,
        limit: Int? = nil
    ) throws -> [Entry] {
        var entries: [Entry] = []
        var remaining = limit ?? Int.max
        for segment in lineage.segments(within: seqs) where remaining > 0 {
            let read = try ownEntries(db, segment, as: lineage.session.id, limit: remaining)
            remaining -= read.messages
            entries += read.entries
        }
        return entries
    }

    /// The committed entries with seq above `seq` (at most `limit` messages and their results);
    /// when `seq` falls inside a turn, the rest of that turn first (its results after `seq`). The
    /// one reading of "entries after N" for pages and tails.
    ///
    /// - Parameter log: Read the log as stored, rewind markers included (a tail), instead of the
    ///   history (a page).
    static func entries(
        _ db: Database, in session: SessionRef, after seq: Int, limit: Int? = nil, log: Bool = false
    ) throws -> [Entry] {
        let lineage = try Lineage.of(db, session)
        var lower = seq + 1
        if seq >= 1, let owner = lineage.owner(of: seq),
            let turn = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT seq, callCount FROM entry WHERE sessionKey = ? AND seq <= ? ORDER BY seq DESC LIMIT 1"),
                arguments: [owner, seq]),
            (turn[0] as Int) + (turn[1] as Int) > seq
        {
            lower = turn[0]
        }
        let turnEntry = lower <= seq ? 1 : 0  // read to find its results, then left out
        let seqs = lower...Int.max
        let read = log ? logEntries : entries(_:of:seqs:limit:)
        return try read(db, lineage, seqs, limit.map { $0 + turnEntry }).filter { $0.seq > seq }
    }

    /// The rows `segment` names, as entries of `sessionID`'s log: each message in seq order with
    /// its calls and usage, then its results. The calls, results and usages are stepped with the
    /// messages (``RowsBySeq``), so each entry is built once, where it goes in the log, and no
    /// row past the last message read (`limit`) is read.
    private static func ownEntries(
        _ db: Database,
        _ segment: Lineage.Segment,
        as sessionID: String,
        limit: Int
    ) throws -> (entries: [Entry], messages: Int) {
        let range: StatementArguments = [segment.owner, segment.seqs.lowerBound, segment.seqs.upperBound]
        var calls = try RowsBySeq(
            db,
            """
            SELECT \(ToolCallRecord.selectedColumns) FROM toolCall
            WHERE sessionKey = ? AND turnSeq BETWEEN ? AND ? ORDER BY turnSeq, position
            """,
            range, seqColumn: 1)
        var results = try RowsBySeq(
            db,
            """
            SELECT \(ToolResultRecord.selectedColumns) FROM toolResult
            WHERE sessionKey = ? AND turnSeq BETWEEN ? AND ? ORDER BY turnSeq, position
            """,
            range, seqColumn: 1)
        var usages = try RowsBySeq(db, UsageRecord.selectInSeqs, range, seqColumn: 0)
        var entries: [Entry] = []
        var messages = 0
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(EntryRecord.selectedColumns) FROM entry
                WHERE sessionKey = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?
                """)
        let rows = try Row.fetchCursor(statement, arguments: range + [limit])
        let row = CurrentRow(statement)
        while try rows.next() != nil {
            var entry = try EntryRecord.entry(row, in: sessionID)
            try calls.take(at: entry.seq) { entry.toolCalls.append(ToolCallRecord($0).call) }
            try usages.take(at: entry.seq) { entry.usage = UsageRecord.usage($0) }
            let seq = entry.seq
            entries.append(entry)
            try results.take(at: seq) { entries.append(try ToolResultRecord.entry($0, in: sessionID)) }
            messages += 1
        }
        return (entries, messages)
    }

    /// Throws unless the history of `lineage` stood at `seq` at some moment: `seq` is in the
    /// log and no turn is cut after it.
    static func requireWholeTurns(_ db: Database, _ lineage: Lineage, at seq: Int, field: String = "seq") throws {
        let next = try nextSeq(db, in: lineage.session)
        try Ledger.requireInLog(lineage, seq, next: next, field: field)
        guard let owner = lineage.owner(of: seq) else { return }
        let turn = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT seq, seq + callCount FROM entry
                    WHERE sessionKey = ? AND seq <= ? AND callCount > 0 ORDER BY seq DESC LIMIT 1
                    """),
            arguments: [owner, seq])
        try Ledger.requireOutside(turn.map { ($0[0], $0[1]) }, lineage, seq)
    }

}
