import Foundation
import GRDB
import Logging

extension Ledger {
    /// Imports a TurnLedger export (``export(to:)``) in one transaction: all of it or nothing.
    ///
    /// Sessions, entries, calls, results, usage, summaries, forks, open turns and purge records
    /// are written with their original timestamps and keys; each entry's hash is recomputed and
    /// must equal the exported one, so an edited or damaged file is refused. Importing an export
    /// into an empty store gives an identical store: the same export, the same contexts.
    ///
    /// - Throws: ``LedgerError/exportRejected(line:reason:)`` naming the line;
    ///   ``LedgerError/sessionAlreadyExists(_:)`` when a session id is taken.
    @discardableResult
    public func importExport(from url: URL) async throws -> ExportSummary {
        let summary = try await write { db in
            var reader = try LineReader(url: url)
            defer { reader.close() }
            var importer = ExportImporter(db: db, scope: scope)
            while let line = try reader.next() {
                try importer.read(line)
            }
            return try importer.finish()
        }
        logger.info("imported export", metadata: ["sessions": "\(summary.sessions)", "lines": "\(summary.lines)"])
        return summary
    }
}

/// Writes the lines of an export, in order, inside one transaction.
struct ExportImporter {
    let db: Database
    /// The tenants the import may create sessions in: a scoped ledger's own.
    let scope: TenantScope
    private let decoder = JSONDecoder()
    private var lineNumber = 0
    /// The sessions imported so far, in order, with the activity time each ends with.
    private var sessions: [(session: SessionRef, lastActivityAt: String)] = []
    /// The newest imported session of each id.
    private var sessionsByID: [String: SessionRef] = [:]
    private var turn: (entry: ExportLine.Entry, results: [ExportLine.Result])?
    private var ended: ExportLine.End?

    init(db: Database, scope: TenantScope) {
        self.db = db
        self.scope = scope
    }

    mutating func read(_ line: Data) throws {
        lineNumber += 1
        do {
            try write(line)
        } catch let error as LedgerError {
            if case .exportRejected = error { throw error }
            throw LedgerError.exportRejected(line: lineNumber, reason: error.description)
        } catch let error as DecodingError {
            throw LedgerError.exportRejected(
                line: lineNumber, reason: "not a line of this format (\(error.fieldPath(root: "line")) \(error.reason))"
            )
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {  // a guard of the schema
            throw LedgerError.exportRejected(line: lineNumber, reason: error.message ?? "\(error)")
        }
    }

    /// Checks the closing line and sets each session's activity time as exported.
    mutating func finish() throws -> ExportSummary {
        guard let ended, turn == nil else {
            throw LedgerError.exportRejected(
                line: lineNumber, reason: "the file ends before its closing line: truncated")
        }
        guard ended.lines == lineNumber, ended.sessions == sessions.count else {
            throw LedgerError.exportRejected(
                line: lineNumber,
                reason: "the closing line counts \(ended.sessions) sessions and \(ended.lines) lines; "
                    + "the file holds \(sessions.count) and \(lineNumber)")
        }
        for (session, activity) in sessions {
            try db.execute(
                sql: "UPDATE session SET lastActivityAt = ? WHERE key = ?", arguments: [activity, session.key])
        }
        return ExportSummary(sessions: sessions.count, lines: lineNumber)
    }

    private mutating func write(_ line: Data) throws {
        let type = try decoder.decode(ExportLine.Kind.self, from: line).type
        if lineNumber == 1 {
            let header = try decoder.decode(ExportLine.Header.self, from: line)
            guard type == "header", header.format == ExportLine.format else {
                throw reject("the first line must be a \(ExportLine.format) header")
            }
            guard header.version == ExportLine.version else {
                throw reject("version \(header.version) is not one this store reads (\(ExportLine.version))")
            }
            return
        }
        if ended != nil { throw reject("a line after the closing line") }
        if turn != nil, type != "result" { throw reject("the turn before this line is missing results") }
        switch type {
        case "session": try writeSession(try decoder.decode(ExportLine.Session.self, from: line))
        case "entry": try writeEntry(try decoder.decode(ExportLine.Entry.self, from: line))
        case "result": try writeResult(try decoder.decode(ExportLine.Result.self, from: line))
        case "openTurn": try writeOpenTurn(try decoder.decode(ExportLine.OpenTurn.self, from: line))
        case "purge": try writePurge(try decoder.decode(ExportLine.Purge.self, from: line))
        case "end": ended = try decoder.decode(ExportLine.End.self, from: line)
        default: throw reject("unknown line type '\(type)'")
        }
    }

    private mutating func writeSession(_ line: ExportLine.Session) throws {
        let tenant = try scope.tenantForNewSession(line.tenant)
        // A fork is in its parent's tenant: the parent is named by its id within that tenant.
        let parent = try line.parent.map { try TenantScope.tenant(tenant).session(db, $0.session) }
        var record = SessionRecord(
            id: line.id, tenant: tenant, metadata: line.metadata, createdAt: try date(line.createdAt),
            parent: parent, parentSeq: line.parent?.seq)
        try record.insert(db)
        sessions.append((try record.ref, line.lastActivityAt))
        sessionsByID[line.id] = try record.ref
    }

    private mutating func writeEntry(_ line: ExportLine.Entry) throws {
        let session = try session(line.session)
        guard let role = Role(rawValue: line.role), role != .tool else { throw reject("role '\(line.role)'") }
        if !line.calls.isEmpty {
            turn = (line, [])
            return
        }
        try EntryRecord(
            sessionKey: session.key, seq: line.seq, role: role, parts: line.parts, callCount: 0,
            idempotencyKey: line.idempotencyKey, createdAt: try date(line.createdAt),
            summaryFrom: line.summarizes?.first, summaryTo: line.summarizes?.last, rewindTo: line.rewindTo
        ).insert(db)
        if let usage = line.usage { try UsageRecord(sessionKey: session.key, seq: line.seq, usage: usage).insert(db) }
        try LogIndex.extend(db, session)
        try checkHash(session, line.seq, line.hash)
    }

    private mutating func writeResult(_ line: ExportLine.Result) throws {
        guard var pending = turn, pending.entry.session == line.session else {
            throw reject("a result outside a turn")
        }
        pending.results.append(line)
        turn = pending
        guard pending.results.count == pending.entry.calls.count else { return }
        turn = nil
        let entry = pending.entry
        let session = try session(entry.session)
        try stage(
            session: session, seq: entry.seq, parts: entry.parts, openedAt: entry.createdAt,
            idempotencyKey: entry.idempotencyKey, usage: entry.usage, calls: entry.calls,
            results: try pending.results.map { result in
                let position = result.seq - entry.seq - 1
                guard entry.calls.indices.contains(position), entry.calls[position].id == result.callId else {
                    throw reject("result for '\(result.callId)' at seq \(result.seq) answers no call of its turn")
                }
                return .init(
                    position: position, outcome: result.outcome, parts: result.parts, recordedAt: result.recordedAt)
            })
        _ = try Ledger.seal(db, try Ledger.requireOpenTurn(db, in: session))
        try checkHash(session, entry.seq, entry.hash)
        for result in pending.results { try checkHash(session, result.seq, result.hash) }
    }

    private mutating func writeOpenTurn(_ line: ExportLine.OpenTurn) throws {
        try stage(
            session: try session(line.session), seq: line.seq, parts: line.parts, openedAt: line.openedAt,
            idempotencyKey: line.idempotencyKey, usage: line.usage, calls: line.calls, results: line.results)
    }

    private func writePurge(_ line: ExportLine.Purge) throws {
        try db.execute(
            sql: """
                INSERT INTO purgeAudit (sessionId, tenant, requestedBy, reason, purgedAt, rowCount)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [line.session, line.tenant, line.requestedBy, line.reason, line.purgedAt, line.rowCount])
    }

    /// Writes a turn into the staging area as it was exported.
    private func stage(
        session: SessionRef, seq: Int, parts: String, openedAt: String, idempotencyKey: String?, usage: TokenUsage?,
        calls: [ExportLine.Call], results: [ExportLine.StagedResult]
    ) throws {
        try OpenTurnRecord(
            sessionKey: session.key, seq: seq, parts: parts, callCount: calls.count, idempotencyKey: idempotencyKey,
            openedAt: try date(openedAt), usage: try usage.map(JSONColumn.encode)
        ).insert(db)
        for (position, call) in calls.enumerated() {
            try OpenCallRecord(
                sessionKey: session.key, position: position, callId: call.id, name: call.name, arguments: call.arguments
            ).insert(db)
        }
        for result in results {
            guard let outcome = ToolOutcome(rawValue: result.outcome) else {
                throw reject("outcome '\(result.outcome)'")
            }
            try OpenResultRecord(
                sessionKey: session.key, position: result.position, outcome: outcome, parts: result.parts,
                recordedAt: try date(result.recordedAt)
            ).insert(db)
        }
    }

    private func checkHash(_ session: SessionRef, _ seq: Int, _ expected: String) throws {
        let stored = try Data.fetchOne(
            db, sql: "SELECT hash FROM logHash WHERE sessionKey = ? AND seq = ?", arguments: [session.key, seq])
        guard stored?.hexString == expected else {
            throw reject("the content of seq \(seq) of session '\(session.id)' does not match its exported hash")
        }
    }

    /// The imported session a line names by id: the newest session line with that id (an export
    /// writes each session's lines right after its session line, so two tenants' sessions with
    /// the same id stay apart).
    private func session(_ id: String) throws -> SessionRef {
        guard let session = sessionsByID[id] else {
            throw reject("session '\(id)' has no session line before it")
        }
        return session
    }

    private func date(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text), Timestamp.format(date) == text else {
            throw reject("'\(text)' is not a timestamp of this format")
        }
        return date
    }

    private func reject(_ reason: String) -> LedgerError {
        LedgerError.exportRejected(line: lineNumber, reason: reason)
    }
}
