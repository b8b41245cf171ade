import Foundation
import PostgresNIO

/// The log on PostgreSQL: appending a message, reading a session's history, and the hash chain
/// and search rows each write extends.
extension PostgresStore {
    /// Appends `message` to a session in one transaction; the rules are ``Ledger/placement(in:next:openTurn:expectedSeq:)``'s.
    func append(
        _ message: Ledger.PendingMessage, to sessionID: String, in scope: TenantScope, expectedSeq: Int?,
        idempotencyKey: String?
    ) async throws -> (Entry, SessionRef) {
        if let idempotencyKey { try Self.requireNoNUL(idempotencyKey, field: "idempotencyKey") }
        return try await write { connection in
            let session = try await self.session(connection, scope, sessionID, locking: true)
            return (
                try await append(message, to: session, connection, expectedSeq: expectedSeq, idempotencyKey: idempotencyKey),
                session
            )
        }
    }

    /// Appends inside the caller's transaction, its session locked.
    func append(
        _ message: Ledger.PendingMessage, to session: SessionRef, _ connection: PostgresConnection,
        expectedSeq: Int? = nil, idempotencyKey: String? = nil
    ) async throws -> Entry {
        let sessionID = session.id
        if let range = message.summarizes {
            try Ledger.requireSummaryRange(
                range, next: try await nextSeq(connection, in: session),
                split: try await turnSplit(connection, in: session, by: range))
        }
        if let idempotencyKey, let original = try await entryRecord(connection, in: session, idempotencyKey: idempotencyKey) {
            guard original.holds(message) else {
                throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
            }
            var entry = try original.entry(calls: [], in: sessionID)
            entry.usage = try await usages(connection, of: session.key, seqs: original.seq...original.seq)[original.seq]
            return entry
        }
        let next = try Ledger.placement(
            in: session, next: try await nextSeq(connection, in: session),
            openTurn: try await openTurn(connection, in: session), expectedSeq: expectedSeq)
        let record = EntryRecord(
            sessionKey: session.key, seq: next, role: message.role, parts: message.encodedParts, callCount: 0,
            idempotencyKey: idempotencyKey, createdAt: Timestamp.now(), summaryFrom: message.summarizes?.lowerBound,
            summaryTo: message.summarizes?.upperBound)
        try await insert(record, usage: message.usage, connection)
        try await extendLog(connection, session, with: [LogItem.appended(record, parts: message.parts, usage: message.usage)])
        var entry = try record.entry(calls: [], in: sessionID)
        entry.usage = message.usage
        return entry
    }

    func insert(_ record: EntryRecord, usage: TokenUsage?, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO entry
                (sessionKey, seq, role, parts, callCount, idempotencyKey, createdAt, summaryFrom, summaryTo, rewindTo)
            VALUES (\(record.sessionKey), \(record.seq), \(record.role.rawValue), \(record.parts)::json,
                \(record.callCount), \(record.idempotencyKey), \(Timestamp.format(record.createdAt)),
                \(record.summaryFrom), \(record.summaryTo), \(record.rewindTo))
            """, logger: logger)
        guard let usage else { return }
        try await connection.query(
            """
            INSERT INTO entryUsage (sessionKey, seq, model, inputTokens, outputTokens, cachedTokens, reasoningTokens)
            VALUES (\(record.sessionKey), \(record.seq), \(usage.model), \(usage.inputTokens), \(usage.outputTokens),
                \(usage.cachedTokens), \(usage.reasoningTokens))
            """, logger: logger)
    }

    func entryRecord(_ connection: PostgresConnection, in session: SessionRef, idempotencyKey: String) async throws
        -> EntryRecord?
    {
        try await connection.firstRow(
            """
            SELECT \(unescaped: EntryRecord.postgresColumns) FROM entry
            WHERE sessionKey = \(session.key) AND idempotencyKey = \(idempotencyKey)
            """, logger: logger
        ).map(EntryRecord.init)
    }

    /// The usage of the session's own entries with seq in `seqs`, by seq.
    func usages(_ connection: PostgresConnection, of sessionKey: Int64, seqs: ClosedRange<Int>) async throws
        -> [Int: TokenUsage]
    {
        let rows = try await connection.rows(
            """
            SELECT \(unescaped: UsageRecord.selectedColumns) FROM entryUsage
            WHERE sessionKey = \(sessionKey) AND seq BETWEEN \(seqs.lowerBound) AND \(seqs.upperBound)
            """, logger: logger)
        return Dictionary(try rows.map(UsageRecord.usage), uniquingKeysWith: { first, _ in first })
    }

    /// Hashes `items`, the rows the write just inserted in seq order, after the chain's head, and
    /// stores their search rows: the same canonical bytes as on SQLite (docs/schema.md).
    func extendLog(_ connection: PostgresConnection, _ session: SessionRef, with items: [LogItem]) async throws {
        guard let first = items.first else { return }
        var previous = LogIndex.genesis
        if let head = try await connection.firstRow(
            "SELECT seq, hash FROM logHash WHERE sessionKey = \(session.key) ORDER BY seq DESC LIMIT 1", logger: logger)
        {
            let (seq, hash) = try head.decode((Int, Data).self)
            guard seq == first.seq - 1 else {
                // Rows another client wrote without hashes: the chain stays short, and verify says so.
                logger.warning("hash chain gap", metadata: ["sessionKey": "\(session.key)", "head": "\(seq)"])
                return
            }
            previous = hash
        } else {
            // The session's first own row: the chain goes on from the hash its history ends with
            // at the fork point (genesis for a session that is no fork).
            let lineage = try await lineage(connection, of: session)
            guard first.seq == lineage.forkSeq + 1 else {
                logger.warning("hash chain gap", metadata: ["sessionKey": "\(session.key)", "head": "none"])
                return
            }
            previous = try await hash(connection, of: lineage, at: lineage.forkSeq)
        }
        for item in items {
            previous = LogIndex.chain(previous, item)
            try await connection.query(
                "INSERT INTO logHash (sessionKey, seq, hash) VALUES (\(session.key), \(item.seq), \(previous))",
                logger: logger)
            for doc in item.searchDocs {
                try await connection.query(
                    """
                    INSERT INTO searchDoc (sessionKey, seq, kind, role, toolName, position, body)
                    VALUES (\(doc.sessionKey), \(doc.seq), \(doc.kind.rawValue), \(doc.role), \(doc.toolName?.withoutNUL),
                        \(doc.position), \(doc.text.withoutNUL))
                    """, logger: logger)
            }
        }
    }
}
