import Foundation
import GRDB

/// The export on SQLite, from one read transaction, through the shared ``ExportWriter``.
extension SQLiteStore {
    func export(to handle: FileHandle, scope: TenantScope) async throws -> ExportSummary {
        let filter = scope.sessionFilter
        return try await read { db in
            var output = ExportWriter(handle: handle)
            try output.write(ExportLine.Header(format: ExportLine.format, version: ExportLine.version))
            let sessions = try Lineage.sessionsParentsFirst(db, in: scope)
            for session in sessions { try Self.exportSession(db, session, to: &output) }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT sessionId, tenant, requestedBy, reason, purgedAt, rowCount FROM purgeAudit s
                    WHERE \(filter.sql) ORDER BY id
                    """,
                arguments: filter.arguments
            ) {
                try output.write(
                    ExportLine.Purge(
                        session: try row.text(at: 0), tenant: try row.optionalText(at: 1),
                        requestedBy: try row.text(at: 2), reason: try row.text(at: 3), purgedAt: try row.text(at: 4),
                        rowCount: row[5]))
            }
            let summary = ExportSummary(sessions: sessions.count, lines: output.lines + 1)
            try output.write(ExportLine.End(sessions: summary.sessions, lines: summary.lines))
            try output.flush()
            return summary
        }
    }

    private static func exportSession(_ db: Database, _ ref: SessionRef, to output: inout ExportWriter) throws {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT \(SessionRecord.columns), a.lastActivityAt
                    FROM \(SessionRecord.joins) JOIN sessionActivity a ON a.sessionKey = s.key WHERE s.key = ?
                    """,
                arguments: [ref.key])
        else { return }
        let key = ref.key
        let openTurn = try openTurnRecord(db, in: ref).map { turn in
            (
                turn,
                try OpenCallRecord.filter(Column("sessionKey") == key).order(Column("position")).fetchAll(db),
                try OpenResultRecord.filter(Column("sessionKey") == key).order(Column("position")).fetchAll(db)
            )
        }
        try output.writeSession(
            try SessionRecord(row: row), lastActivityAt: try row.text(at: SessionRecord.columnCount),
            entries: try EntryRecord.filter(Column("sessionKey") == key).order(Column("seq")).fetchAll(db),
            calls: try ToolCallRecord.filter(Column("sessionKey") == key)
                .order(Column("turnSeq"), Column("position")).fetchAll(db),
            results: try ToolResultRecord.filter(Column("sessionKey") == key)
                .order(Column("turnSeq"), Column("position")).fetchAll(db),
            usages: try UsageRecord.usages(db, in: key, seqs: 1...Int.max),
            hashes: Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db, sql: "SELECT seq, hash FROM logHash WHERE sessionKey = ?", arguments: [key]
                ).map { row -> (Int, Data) in (row[0], row[1]) }),
            openTurn: openTurn)
    }
}
