import Foundation
import PostgresNIO

/// Reading histories on PostgreSQL, the way `Ledger+Entries.swift` reads them on SQLite: a fork's
/// history is its parent's rows up to the fork point, then its own; rewinds are applied by the
/// shared ``Rewinds``.
extension PostgresStore {
    func history(of sessionID: String, in scope: TenantScope, _ request: HistoryRead) async throws -> [Entry] {
        try await read(session: sessionID, in: scope) { connection, session in
            switch request {
            case .all:
                return try await entries(connection, of: lineage(connection, of: session))
            case .asOf(let seq):
                let lineage = try await lineage(connection, of: session)
                try await requireWholeTurns(connection, lineage, at: seq)
                return try await entries(connection, of: lineage, seqs: 1...seq)
            case .seqs(let seqs):
                return try await entries(connection, of: lineage(connection, of: session), seqs: seqs)
            case .after(let after, let limit):
                return try await entries(connection, in: session, after: after, limit: limit)
            }
        }
    }

    /// The lineage of `session`, read in one recursive query.
    func lineage(_ connection: PostgresConnection, of session: SessionRef) async throws -> Lineage {
        let rows = try await connection.rows(
            """
            WITH RECURSIVE up(key, parentKey, parentSeq, depth) AS (
                SELECT key, parentKey, parentSeq, 0 FROM session WHERE key = \(session.key)
                UNION ALL
                SELECT s.key, s.parentKey, s.parentSeq, up.depth + 1 FROM session s JOIN up ON s.key = up.parentKey)
            SELECT key, parentSeq FROM up ORDER BY depth
            """, logger: logger)
        guard !rows.isEmpty else { throw LedgerError.sessionNotFound(session.id) }
        return Lineage(session, ancestry: try rows.map { try $0.decode((Int64, Int?).self) })
    }

    /// The history of `lineage` as it stood at `seqs.upperBound`, restricted to `seqs`: an
    /// assistant entry comes with all its results; at most `limit` messages.
    func entries(
        _ connection: PostgresConnection, of lineage: Lineage, seqs: ClosedRange<Int> = 1...Int.max, limit: Int? = nil
    ) async throws -> [Entry] {
        guard try await rewindsOccur(connection, in: lineage, upTo: seqs.upperBound) else {
            return try await logEntries(connection, lineage, seqs: seqs, limit: limit)
        }
        let log = try await logEntries(connection, lineage, seqs: 1...seqs.upperBound)
        return Rewinds.history(of: log, in: seqs, limit: limit)
    }

    /// The committed entries after `seq`, as ``Ledger`` reads them for pages and tails.
    func entries(
        _ connection: PostgresConnection, in session: SessionRef, after seq: Int, limit: Int?, log: Bool = false
    ) async throws -> [Entry] {
        let lineage = try await lineage(connection, of: session)
        var lower = seq + 1
        if seq >= 1, let owner = lineage.owner(of: seq),
            let turn = try await connection.firstRow(
                """
                SELECT seq, callCount FROM entry WHERE sessionKey = \(owner) AND seq <= \(seq) ORDER BY seq DESC LIMIT 1
                """, logger: logger
            ).map({ try $0.decode((Int, Int).self) }),
            turn.0 + turn.1 > seq
        {
            lower = turn.0
        }
        let turnEntry = lower <= seq ? 1 : 0  // read to find its results, then left out
        let read =
            log
            ? try await logEntries(connection, lineage, seqs: lower...Int.max, limit: limit.map { $0 + turnEntry })
            : try await entries(connection, of: lineage, seqs: lower...Int.max, limit: limit.map { $0 + turnEntry })
        return read.filter { $0.seq > seq }
    }

    /// What a tail reads: the log after `seq`, rewind markers included. A session purged since
    /// (by any service) is ``LedgerError/sessionNotFound(_:)``, which ends the tail.
    func tailEntries(of session: SessionRef, after seq: Int) async throws -> [Entry] {
        try await read { connection in
            guard try await connection.firstRow("SELECT 1 FROM session WHERE key = \(session.key)", logger: logger) != nil
            else { throw LedgerError.sessionNotFound(session.id) }
            return try await entries(connection, in: session, after: seq, limit: nil, log: true)
        }
    }

    /// Throws unless the history of `lineage` stood at `seq` at some moment.
    func requireWholeTurns(_ connection: PostgresConnection, _ lineage: Lineage, at seq: Int, field: String = "seq")
        async throws
    {
        let next = try await nextSeq(connection, in: lineage.session)
        try Ledger.requireInLog(lineage, seq, next: next, field: field)
        guard let owner = lineage.owner(of: seq) else { return }
        let turn = try await connection.firstRow(
            """
            SELECT seq, seq + callCount FROM entry
            WHERE sessionKey = \(owner) AND seq <= \(seq) AND callCount > 0 ORDER BY seq DESC LIMIT 1
            """, logger: logger
        ).map { try $0.decode((Int, Int).self) }
        try Ledger.requireOutside(turn.map { (start: $0.0, end: $0.1) }, lineage, seq)
    }

    /// Whether the lineage holds a rewind marker at or below `seq`.
    private func rewindsOccur(_ connection: PostgresConnection, in lineage: Lineage, upTo seq: Int) async throws -> Bool {
        for segment in lineage.segments(within: 1...max(seq, 1)) {
            if try await connection.firstRow(
                """
                SELECT 1 FROM entry WHERE sessionKey = \(segment.owner)
                AND seq BETWEEN \(segment.seqs.lowerBound) AND \(segment.seqs.upperBound) AND rewindTo IS NOT NULL LIMIT 1
                """, logger: logger) != nil
            {
                return true
            }
        }
        return false
    }

    /// The committed log of a lineage as stored, rewind markers included.
    func logEntries(
        _ connection: PostgresConnection, _ lineage: Lineage, seqs: ClosedRange<Int> = 1...Int.max, limit: Int? = nil
    ) async throws -> [Entry] {
        var entries: [Entry] = []
        var remaining = limit ?? Int.max
        for segment in lineage.segments(within: seqs) where remaining > 0 {
            let read = try await ownEntries(connection, segment, as: lineage.session.id, limit: remaining)
            remaining -= read.messages
            entries += read.entries
        }
        return entries
    }

    /// The rows `segment` names, as entries of `sessionID`'s log.
    private func ownEntries(_ connection: PostgresConnection, _ segment: Lineage.Segment, as sessionID: String, limit: Int)
        async throws -> (entries: [Entry], messages: Int)
    {
        let owner = segment.owner
        let messages = try await connection.rows(
            """
            SELECT \(unescaped: EntryRecord.postgresColumns) FROM entry
            WHERE sessionKey = \(owner) AND seq BETWEEN \(segment.seqs.lowerBound) AND \(segment.seqs.upperBound)
            ORDER BY seq LIMIT \(limit)
            """, logger: logger
        ).map { try EntryRecord($0).entry(calls: [], in: sessionID) }
        guard let last = messages.last else { return ([], 0) }
        let turns = segment.seqs.lowerBound...last.seq
        let calls = try await connection.rows(
            """
            SELECT \(unescaped: ToolCallRecord.postgresColumns) FROM toolCall
            WHERE sessionKey = \(owner) AND turnSeq BETWEEN \(turns.lowerBound) AND \(turns.upperBound)
            ORDER BY turnSeq, position
            """, logger: logger
        ).map(ToolCallRecord.init)
        var results: [Int: [Entry]] = [:]
        for row in try await connection.rows(
            """
            SELECT \(unescaped: ToolResultRecord.postgresColumns) FROM toolResult
            WHERE sessionKey = \(owner) AND turnSeq BETWEEN \(turns.lowerBound) AND \(turns.upperBound)
            ORDER BY turnSeq, position
            """, logger: logger)
        {
            let record = try ToolResultRecord(row)
            results[record.turnSeq, default: []].append(try record.entry(in: sessionID))
        }
        let usages = try await usages(connection, of: owner, seqs: turns)
        return (Ledger.log(messages, calls: calls, results: results, usages: usages), messages.count)
    }

    /// Creates a fork of a session after `seq`, in the parent's tenant.
    func fork(
        _ sessionID: String, in scope: TenantScope, at seq: Int, as newID: String, metadata: String, createdAt: Date
    ) async throws -> SessionRecord {
        do {
            return try await write { connection in
                let parent = try await session(connection, scope, sessionID, locking: true)
                try await requireWholeTurns(connection, try await lineage(connection, of: parent), at: seq)
                guard
                    let tenant = try await connection.firstRow(
                        "SELECT tenant FROM session WHERE key = \(parent.key)", logger: logger
                    ).map({ try $0.decode(String?.self) })
                else { throw LedgerError.sessionNotFound(sessionID) }
                let record = SessionRecord(
                    id: newID, tenant: tenant, metadata: metadata, createdAt: createdAt, parent: parent, parentSeq: seq)
                _ = try await connection.rows(
                    """
                    INSERT INTO session (id, tenant, metadata, createdAt, parentKey, parentSeq)
                    VALUES (\(newID), \(tenant), \(metadata)::json, \(Timestamp.format(createdAt)), \(parent.key), \(seq))
                    """, logger: logger)
                return record
            }
        } catch LedgerError.postgresFailed(_, "23505"?, _) {  // unique_violation on sessionByName
            throw LedgerError.sessionAlreadyExists(newID)
        }
    }
}
