import Foundation
import GRDB

extension SQLiteStore {
    func importExport(from url: URL, scope: TenantScope) async throws -> ExportSummary {
        try await write { db in
            var reader = try LineReader(url: url)
            defer { reader.close() }
            var importer = SQLiteExportImporter(db: db, scope: scope)
            while let line = try reader.next() {
                try importer.read(line)
            }
            return try importer.finish()
        }
    }
}

/// Applies the steps of an export to an SQLite store, inside one transaction.
struct SQLiteExportImporter {
    let db: Database
    private var parser: ExportParser
    /// The imported sessions, in the file's order.
    private var sessions: [SessionRef] = []

    init(db: Database, scope: TenantScope) {
        self.db = db
        parser = ExportParser(scope: scope)
    }

    mutating func read(_ line: Data) throws {
        guard let step = try parser.read(line) else { return }
        do {
            try apply(step)
        } catch let error as LedgerError {
            throw parser.rejected(error)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {  // a guard of the schema
            throw parser.reject(error.message ?? "\(error)")
        }
    }

    /// Checks the closing line and sets each session's activity time as exported.
    mutating func finish() throws -> ExportSummary {
        let summary = try parser.finish()
        for (session, (_, activity)) in zip(sessions, parser.sessions) {
            try db.execute(
                sql: "UPDATE session SET listedActivityAt = ? WHERE key = ?", arguments: [activity, session.key])
        }
        try SQLiteStore.listEveryoneAtTheirActivity(db)
        return summary
    }

    private mutating func apply(_ step: ExportStep) throws {
        switch step {
        case .session(var record, let parent):
            // A fork is in its parent's tenant: the parent is named by its id within that tenant.
            record.parent = try parent.map { try TenantScope.tenant(record.tenant).session(db, $0.id) }
            try record.insert(db)
            sessions.append(try record.ref)
        case .entry(let index, var record, let usage, let hash):
            let session = sessions[index]
            record.sessionKey = session.key
            try record.insert(db)
            if let usage { try UsageRecord(sessionKey: session.key, seq: record.seq, usage: usage).insert(db) }
            try LogIndex.extend(db, session)
            try checkHash(session, record.seq, hash)
        case .turn(let index, let rows, let sealed):
            let session = sessions[index]
            let keyed = rows.keyed(session.key)
            try keyed.turn.insert(db)
            for call in keyed.calls { try call.insert(db) }
            for result in keyed.results { try result.insert(db) }
            guard let sealed else { return }
            _ = try SQLiteStore.seal(db, try SQLiteStore.requireOpenTurn(db, in: session))
            for (seq, hash) in sealed { try checkHash(session, seq, hash) }
        case .purge(let line):
            try db.execute(
                sql: """
                    INSERT INTO purgeAudit (sessionId, tenant, requestedBy, reason, purgedAt, rowCount)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [line.session, line.tenant, line.requestedBy, line.reason, line.purgedAt, line.rowCount])
        }
    }

    private func checkHash(_ session: SessionRef, _ seq: Int, _ expected: String) throws {
        let stored = try Data.fetchOne(
            db, sql: "SELECT hash FROM logHash WHERE sessionKey = ? AND seq = ?", arguments: [session.key, seq])
        guard stored?.hexString == expected else {
            throw parser.reject("the content of seq \(seq) of session '\(session.id)' does not match its exported hash")
        }
    }
}
