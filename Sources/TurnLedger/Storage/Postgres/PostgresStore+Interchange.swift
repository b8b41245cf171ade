import Foundation
import PostgresNIO

/// Exports and imports on PostgreSQL: the same lines, through the shared ``ExportWriter`` and
/// ``ExportParser``, so a store moved from SQLite gives back the same export bytes.
extension PostgresStore {
    /// Writes the export of the sessions in `scope` from one snapshot.
    func export(to handle: FileHandle, scope: TenantScope) async throws -> ExportSummary {
        var writer = ExportWriter(handle: handle)
        return try await read { connection in
            try writer.write(ExportLine.Header(format: ExportLine.format, version: ExportLine.version))
            let sessions = try await sessionsParentsFirst(connection, in: scope)
            for session in sessions { try await exportSession(connection, session, to: &writer) }
            let condition = try scope.postgresCondition(on: "tenant")
            for row in try await connection.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT sessionId, tenant, requestedBy, reason, purgedAt, rowCount FROM purgeAudit
                        WHERE \(condition.sql) ORDER BY id
                        """, binds: condition.binds), logger: logger)
            {
                let (session, tenant, requestedBy, reason, purgedAt, rowCount) =
                    try row.decode((String, String?, String, String, String, Int).self)
                try writer.write(
                    ExportLine.Purge(
                        session: session, tenant: tenant, requestedBy: requestedBy, reason: reason, purgedAt: purgedAt,
                        rowCount: rowCount))
            }
            let summary = ExportSummary(sessions: sessions.count, lines: writer.lines + 1)
            try writer.write(ExportLine.End(sessions: summary.sessions, lines: summary.lines))
            try writer.flush()
            return summary
        }
    }

    private func exportSession(_ connection: PostgresConnection, _ ref: SessionRef, to output: inout ExportWriter)
        async throws
    {
        let key = ref.key
        guard
            let row = try await connection.firstRow(
                """
                SELECT s.tenant, s.metadata::text, s.createdAt, s.parentKey, p.id, s.parentSeq, s.lastActivityAt
                FROM session s LEFT JOIN session p ON p.key = s.parentKey WHERE s.key = \(key)
                """, logger: logger)
        else { return }
        let (tenant, metadata, createdAt, parentKey, parentID, parentSeq, activity) =
            try row.decode((String?, String, String, Int64?, String?, Int?, String).self)
        var session = SessionRecord(
            id: ref.id, tenant: tenant, metadata: metadata,
            createdAt: try Timestamp.parse(createdAt).orInvalidRow("createdAt"),
            parent: parentKey.flatMap { key in parentID.map { SessionRef(key: key, id: $0) } }, parentSeq: parentSeq)
        session.key = key
        var hashes: [Int: Data] = [:]
        for row in try await connection.rows("SELECT seq, hash FROM logHash WHERE sessionKey = \(key)", logger: logger) {
            let (seq, hash) = try row.decode((Int, Data).self)
            hashes[seq] = hash
        }
        var openTurn: (OpenTurnRecord, [OpenCallRecord], [OpenResultRecord])?
        if let staged = try await stagedTurn(connection, in: ref) {
            openTurn = (
                staged.record,
                try await connection.rows(
                    """
                    SELECT \(unescaped: OpenCallRecord.postgresColumns) FROM openCall
                    WHERE sessionKey = \(key) ORDER BY position
                    """, logger: logger
                ).map(OpenCallRecord.init),
                try await connection.rows(
                    """
                    SELECT \(unescaped: OpenResultRecord.postgresColumns) FROM openResult
                    WHERE sessionKey = \(key) ORDER BY position
                    """, logger: logger
                ).map(OpenResultRecord.init)
            )
        }
        try output.writeSession(
            session, lastActivityAt: activity,
            entries: try await connection.rows(
                "SELECT \(unescaped: EntryRecord.postgresColumns) FROM entry WHERE sessionKey = \(key) ORDER BY seq",
                logger: logger
            ).map(EntryRecord.init),
            calls: try await connection.rows(
                """
                SELECT \(unescaped: ToolCallRecord.postgresColumns) FROM toolCall
                WHERE sessionKey = \(key) ORDER BY turnSeq, position
                """, logger: logger
            ).map(ToolCallRecord.init),
            results: try await connection.rows(
                """
                SELECT \(unescaped: ToolResultRecord.postgresColumns) FROM toolResult
                WHERE sessionKey = \(key) ORDER BY turnSeq, position
                """, logger: logger
            ).map(ToolResultRecord.init),
            usages: try await usages(connection, of: key, seqs: 1...Int.max), hashes: hashes, openTurn: openTurn)
    }

    /// Imports an export in one transaction: all of it or nothing.
    func importExport(from url: URL, scope: TenantScope) async throws -> ExportSummary {
        var reader = try LineReader(url: url)
        defer { reader.close() }
        return try await write { connection in
            var parser = ExportParser(scope: scope)
            var sessions: [SessionRef] = []
            while let line = try reader.next() {
                guard let step = try parser.read(line) else { continue }
                do {
                    try await apply(step, connection, &sessions)
                } catch let error as LedgerError {
                    throw parser.rejected(error)
                } catch let rejection as ImportRejection {
                    throw parser.reject(rejection.reason)
                } catch let error as PSQLError {
                    switch importError(error) {
                    case let rejection as ImportRejection: throw parser.reject(rejection.reason)
                    case let failure as LedgerError: throw failure
                    case let other: throw other
                    }
                }
            }
            let summary = try parser.finish()
            for (session, (_, activity)) in zip(sessions, parser.sessions) {
                _ = try await connection.rows(
                    "UPDATE session SET lastActivityAt = \(activity) WHERE key = \(session.key)", logger: logger)
            }
            return summary
        }
    }

    /// Why a line cannot be imported, in the words the line is refused with.
    private struct ImportRejection: Error {
        var reason: String
    }

    /// A failed statement of an import: a guard of the schema in its own words (class 23,
    /// integrity), else the failure as it is.
    private func importError(_ error: PSQLError) -> any Error {
        let failure = ledgerError(error)
        guard case .postgresFailed(_, let sqlState?, let message) = failure, sqlState.hasPrefix("23") else {
            return failure
        }
        return ImportRejection(reason: message)
    }

    private func apply(_ step: ExportStep, _ connection: PostgresConnection, _ sessions: inout [SessionRef])
        async throws
    {
        switch step {
        case .session(let record, let parent):
            // A fork is in its parent's tenant: the parent is named by its id within that tenant.
            let parentRef = try await parent.asyncMap {
                try await self.session(connection, .tenant(record.tenant), $0.id, locking: false)
            }
            if try await optionalSession(connection, .tenant(record.tenant), record.id, locking: false) != nil {
                throw LedgerError.sessionAlreadyExists(record.id)
            }
            guard
                let key = try await connection.firstRow(
                    """
                    INSERT INTO session (id, tenant, metadata, createdAt, parentKey, parentSeq)
                    VALUES (\(record.id), \(record.tenant), \(record.metadata)::json, \(Timestamp.format(record.createdAt)),
                        \(parentRef?.key), \(record.parentSeq))
                    RETURNING key
                    """, logger: logger
                ).map({ try $0.decode(Int64.self) })
            else { throw LedgerError.sessionNotFound(record.id) }
            sessions.append(SessionRef(key: key, id: record.id))
        case .entry(let index, var record, let usage, let hash):
            let session = sessions[index]
            record.sessionKey = session.key
            try await insert(record, usage: usage, connection)
            let parts = (try? PartsCodec.decode(record.parts)) ?? []
            try await extendLog(connection, session, with: [LogItem.appended(record, parts: parts, usage: usage)])
            try await checkHash(connection, session, record.seq, hash)
        case .turn(let index, let rows, let sealed):
            let session = sessions[index]
            let keyed = rows.keyed(session.key)
            let turn = keyed.turn
            _ = try await connection.rows(
                """
                INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt, usage)
                VALUES (\(turn.sessionKey), \(turn.seq), \(turn.parts)::json, \(turn.callCount), \(turn.idempotencyKey),
                    \(Timestamp.format(turn.openedAt)), \(turn.usage)::json)
                """, logger: logger)
            for call in keyed.calls {
                _ = try await connection.rows(
                    """
                    INSERT INTO openCall (sessionKey, position, callId, name, arguments)
                    VALUES (\(call.sessionKey), \(call.position), \(call.callId.postgresBytes), \(call.name.postgresBytes),
                        \(call.arguments.postgresBytes))
                    """, logger: logger)
            }
            for result in keyed.results {
                _ = try await connection.rows(
                    """
                    INSERT INTO openResult (sessionKey, position, outcome, parts, recordedAt)
                    VALUES (\(result.sessionKey), \(result.position), \(result.outcome.rawValue), \(result.parts)::json,
                        \(Timestamp.format(result.recordedAt)))
                    """, logger: logger)
            }
            guard let sealed, let staged = try await stagedTurn(connection, in: session) else { return }
            _ = try await seal(connection, staged)
            for (seq, hash) in sealed { try await checkHash(connection, session, seq, hash) }
        case .purge(let line):
            _ = try await connection.rows(
                """
                INSERT INTO purgeAudit (sessionId, tenant, requestedBy, reason, purgedAt, rowCount)
                VALUES (\(line.session), \(line.tenant), \(line.requestedBy), \(line.reason), \(line.purgedAt),
                    \(line.rowCount))
                """, logger: logger)
        }
    }

    private func checkHash(_ connection: PostgresConnection, _ session: SessionRef, _ seq: Int, _ expected: String)
        async throws
    {
        let stored = try await connection.firstRow(
            "SELECT hash FROM logHash WHERE sessionKey = \(session.key) AND seq = \(seq)", logger: logger
        ).map { try $0.decode(Data.self) }
        guard stored?.hexString == expected else {
            throw ImportRejection(
                reason: "the content of seq \(seq) of session '\(session.id)' does not match its exported hash")
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
