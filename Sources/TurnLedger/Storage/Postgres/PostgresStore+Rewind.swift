import Foundation
import PostgresNIO

/// Summaries' ranges and rewinds on PostgreSQL.
extension PostgresStore {
    /// The seqs of a turn that `range` starts or ends inside of, anywhere in the session's history.
    func turnSplit(_ connection: PostgresConnection, in session: SessionRef, by range: ClosedRange<Int>) async throws
        -> ClosedRange<Int>?
    {
        for segment in try await lineage(connection, of: session).segments {
            let (from, to) = (range.lowerBound, range.upperBound)
            if let turn = try await connection.firstRow(
                """
                SELECT seq, seq + callCount FROM entry
                WHERE sessionKey = \(segment.owner) AND seq BETWEEN \(segment.seqs.lowerBound) AND \(segment.seqs.upperBound)
                  AND callCount > 0
                  AND ((seq <= \(to) AND \(to) < seq + callCount) OR (seq < \(from) AND \(from) <= seq + callCount))
                LIMIT 1
                """, logger: logger
            ).map({ try $0.decode((Int, Int).self) }) {
                return turn.0...turn.1
            }
        }
        return nil
    }

    /// Appends a rewind marker, as ``Ledger/rewind(_:to:expectedSeq:idempotencyKey:discardingOpenTurn:)`` says.
    func rewind(
        _ sessionID: String, in scope: TenantScope, to seq: Int, expectedSeq: Int?, idempotencyKey: String?,
        discardingOpenTurn: Bool
    ) async throws -> (Entry, SessionRef) {
        if let idempotencyKey { try Self.requireNoNUL(idempotencyKey, field: "idempotencyKey") }
        return try await write { connection in
            let session = try await session(connection, scope, sessionID, locking: true)
            if let idempotencyKey, let original = try await entryRecord(connection, in: session, idempotencyKey: idempotencyKey) {
                guard original.rewindTo == seq else {
                    throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
                }
                return (try original.entry(calls: [], in: sessionID), session)
            }
            if discardingOpenTurn {
                for table in ["openResult", "openCall", "openTurn"] {
                    var delete = PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE sessionKey = ")
                    delete.sql += try delete.bind(session.key)
                    _ = try await connection.rows(delete, logger: logger)
                }
            }
            let next = try Ledger.placement(
                in: session, next: try await nextSeq(connection, in: session),
                openTurn: try await openTurn(connection, in: session), expectedSeq: expectedSeq)
            if seq >= 1 {
                try await requireWholeTurns(connection, try await lineage(connection, of: session), at: seq, field: "to")
            }
            let record = EntryRecord(
                sessionKey: session.key, seq: next, role: .user, parts: PartsCodec.encode([]), callCount: 0,
                idempotencyKey: idempotencyKey, createdAt: Timestamp.now(), rewindTo: seq)
            try await insert(record, usage: nil, connection)
            try await extendLog(connection, session, with: [LogItem.appended(record, parts: [], usage: nil)])
            return (try record.entry(calls: [], in: sessionID), session)
        }
    }
}
