import Foundation

/// What the lines of an export ask a store to write, in order, checked line by line: both engines
/// apply the same steps (``SQLiteExportImporter`` on SQLite, `PostgresStore.importExport` on PostgreSQL).
/// Sessions are named by their place among the file's sessions.
enum ExportStep {
    /// A session; its parent, when it is a fork, is named by id within the session's tenant.
    case session(SessionRecord, parent: (id: String, seq: Int)?)
    /// An entry without calls (sessionKey not set), its usage and its exported hash.
    case entry(session: Int, EntryRecord, usage: TokenUsage?, hash: String)
    /// A turn to stage (sessionKeys not set); `sealed` holds the exported hashes of a committed
    /// one (its entry's, then its results'), nil for an open turn.
    case turn(session: Int, StagedRows, sealed: [(seq: Int, hash: String)]?)
    case purge(ExportLine.Purge)
}

/// A staged turn's rows, as an import writes them.
struct StagedRows {
    var turn: OpenTurnRecord
    var calls: [OpenCallRecord]
    var results: [OpenResultRecord]

    /// The rows with `key` as their session's.
    func keyed(_ key: Int64) -> StagedRows {
        var rows = self
        rows.turn.sessionKey = key
        for index in rows.calls.indices { rows.calls[index].sessionKey = key }
        for index in rows.results.indices { rows.results[index].sessionKey = key }
        return rows
    }
}

/// Reads the lines of an export into ``ExportStep``s, refusing a line that is not one of the
/// format, out of place, or unknown, with its number.
struct ExportParser {
    /// The tenants the import may create sessions in: a scoped ledger's own.
    let scope: TenantScope
    private let decoder = JSONDecoder()
    private(set) var lineNumber = 0
    /// The file's sessions so far, in order, with the activity time each ends with.
    private(set) var sessions: [(id: String, lastActivityAt: String)] = []
    /// The newest session of each id: its place.
    private var sessionsByID: [String: Int] = [:]
    private var turn: (entry: ExportLine.Entry, results: [ExportLine.Result])?
    private var ended: ExportLine.End?

    init(scope: TenantScope) {
        self.scope = scope
    }

    /// The step the next line holds, if any; errors name the line.
    mutating func read(_ line: Data) throws -> ExportStep? {
        lineNumber += 1
        do {
            return try step(line)
        } catch let error as LedgerError {
            throw rejected(error)
        } catch let error as DecodingError {
            throw reject("not a line of this format (\(error.fieldPath(root: "line")) \(error.reason))")
        }
    }

    /// An error of applying this line's step, as the import reports it: naming the line.
    func rejected(_ error: LedgerError) -> LedgerError {
        if case .exportRejected = error { return error }
        return reject(error.description)
    }

    func reject(_ reason: String) -> LedgerError {
        LedgerError.exportRejected(line: lineNumber, reason: reason)
    }

    /// Checks the closing line once every line is read.
    func finish() throws -> ExportSummary {
        guard let ended, turn == nil else {
            throw reject("the file ends before its closing line: truncated")
        }
        guard ended.lines == lineNumber, ended.sessions == sessions.count else {
            throw reject(
                "the closing line counts \(ended.sessions) sessions and \(ended.lines) lines; "
                    + "the file holds \(sessions.count) and \(lineNumber)")
        }
        return ExportSummary(sessions: sessions.count, lines: lineNumber)
    }

    private mutating func step(_ line: Data) throws -> ExportStep? {
        let type = try decoder.decode(ExportLine.Kind.self, from: line).type
        if lineNumber == 1 {
            let header = try decoder.decode(ExportLine.Header.self, from: line)
            guard type == "header", header.format == ExportLine.format else {
                throw reject("the first line must be a \(ExportLine.format) header")
            }
            guard header.version == ExportLine.version else {
                throw reject("version \(header.version) is not one this store reads (\(ExportLine.version))")
            }
            return nil
        }
        if ended != nil { throw reject("a line after the closing line") }
        if turn != nil, type != "result" { throw reject("the turn before this line is missing results") }
        switch type {
        case "session": return try session(try decoder.decode(ExportLine.Session.self, from: line))
        case "entry": return try entry(try decoder.decode(ExportLine.Entry.self, from: line))
        case "result": return try result(try decoder.decode(ExportLine.Result.self, from: line))
        case "openTurn":
            let line = try decoder.decode(ExportLine.OpenTurn.self, from: line)
            return .turn(
                session: try session(line.session),
                try staged(
                    seq: line.seq, parts: line.parts, openedAt: line.openedAt, idempotencyKey: line.idempotencyKey,
                    usage: line.usage, calls: line.calls, results: line.results), sealed: nil)
        case "purge": return .purge(try decoder.decode(ExportLine.Purge.self, from: line))
        case "end":
            ended = try decoder.decode(ExportLine.End.self, from: line)
            return nil
        default: throw reject("unknown line type '\(type)'")
        }
    }

    private mutating func session(_ line: ExportLine.Session) throws -> ExportStep {
        let record = SessionRecord(
            id: line.id, tenant: try scope.tenantForNewSession(line.tenant), metadata: line.metadata,
            createdAt: try date(line.createdAt), parentSeq: line.parent?.seq)
        sessionsByID[line.id] = sessions.count
        sessions.append((line.id, line.lastActivityAt))
        return .session(record, parent: line.parent.map { ($0.session, $0.seq) })
    }

    private mutating func entry(_ line: ExportLine.Entry) throws -> ExportStep? {
        let session = try session(line.session)
        guard let role = Role(rawValue: line.role), role != .tool else { throw reject("role '\(line.role)'") }
        if !line.calls.isEmpty {
            turn = (line, [])
            return nil
        }
        let record = EntryRecord(
            sessionKey: 0, seq: line.seq, role: role, parts: line.parts, callCount: 0,
            idempotencyKey: line.idempotencyKey, createdAt: try date(line.createdAt),
            summaryFrom: line.summarizes?.first, summaryTo: line.summarizes?.last, rewindTo: line.rewindTo)
        return .entry(session: session, record, usage: line.usage, hash: line.hash)
    }

    private mutating func result(_ line: ExportLine.Result) throws -> ExportStep? {
        guard var pending = turn, pending.entry.session == line.session else {
            throw reject("a result outside a turn")
        }
        pending.results.append(line)
        turn = pending
        guard pending.results.count == pending.entry.calls.count else { return nil }
        turn = nil
        let entry = pending.entry
        let rows = try staged(
            seq: entry.seq, parts: entry.parts, openedAt: entry.createdAt, idempotencyKey: entry.idempotencyKey,
            usage: entry.usage, calls: entry.calls,
            results: try pending.results.map { result in
                let position = result.seq - entry.seq - 1
                guard entry.calls.indices.contains(position), entry.calls[position].id == result.callId else {
                    throw reject("result for '\(result.callId)' at seq \(result.seq) answers no call of its turn")
                }
                return .init(
                    position: position, outcome: result.outcome, parts: result.parts, recordedAt: result.recordedAt)
            })
        return .turn(
            session: try session(entry.session), rows,
            sealed: [(entry.seq, entry.hash)] + pending.results.map { ($0.seq, $0.hash) })
    }

    private func staged(
        seq: Int, parts: String, openedAt: String, idempotencyKey: String?, usage: TokenUsage?,
        calls: [ExportLine.Call], results: [ExportLine.StagedResult]
    ) throws -> StagedRows {
        StagedRows(
            turn: OpenTurnRecord(
                sessionKey: 0, seq: seq, parts: parts, callCount: calls.count, idempotencyKey: idempotencyKey,
                openedAt: try date(openedAt), usage: try usage.map(JSONColumn.encode)),
            calls: calls.enumerated().map { position, call in
                OpenCallRecord(sessionKey: 0, position: position, callId: call.id, name: call.name, arguments: call.arguments)
            },
            results: try results.map { result in
                guard let outcome = ToolOutcome(rawValue: result.outcome) else {
                    throw reject("outcome '\(result.outcome)'")
                }
                return OpenResultRecord(
                    sessionKey: 0, position: result.position, outcome: outcome, parts: result.parts,
                    recordedAt: try date(result.recordedAt))
            })
    }

    /// The place of the session a line names by id: the newest session line with that id (an
    /// export writes each session's lines right after its session line, so two tenants' sessions
    /// with the same id stay apart).
    private func session(_ id: String) throws -> Int {
        guard let index = sessionsByID[id] else { throw reject("session '\(id)' has no session line before it") }
        return index
    }

    private func date(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text), Timestamp.format(date) == text else {
            throw reject("'\(text)' is not a timestamp of this format")
        }
        return date
    }
}
