import Foundation

// The lines of an export built from the records either engine reads: the same bytes from both.

extension ExportLine.Session {
    init(_ session: SessionRecord, lastActivityAt: String) {
        self.init(
            id: session.id, tenant: session.tenant, metadata: session.metadata,
            createdAt: Timestamp.format(session.createdAt), lastActivityAt: lastActivityAt,
            parent: session.parent.flatMap { parent in session.parentSeq.map { ExportLine.Parent(session: parent.id, seq: $0) } })
    }
}

extension ExportLine.Entry {
    init(_ entry: EntryRecord, of session: String, calls: [ToolCallRecord], usage: TokenUsage?, hash: String) {
        self.init(
            session: session, seq: entry.seq, role: entry.role.rawValue, parts: entry.parts,
            createdAt: Timestamp.format(entry.createdAt), idempotencyKey: entry.idempotencyKey,
            summarizes: entry.summaryFrom.flatMap { from in entry.summaryTo.map { [from, $0] } },
            calls: calls.map { .init(id: $0.callId, name: $0.name, arguments: $0.arguments) },
            usage: usage, rewindTo: entry.rewindTo, hash: hash)
    }
}

extension ExportLine.Result {
    init(_ result: ToolResultRecord, of session: String, hash: String) {
        self.init(
            session: session, seq: result.turnSeq + 1 + result.position, callId: result.callId,
            outcome: result.outcome.rawValue, parts: result.parts, recordedAt: Timestamp.format(result.recordedAt),
            hash: hash)
    }
}

extension ExportLine.OpenTurn {
    init(_ turn: OpenTurnRecord, of session: String, calls: [OpenCallRecord], results: [OpenResultRecord]) throws {
        self.init(
            session: session, seq: turn.seq, parts: turn.parts, openedAt: Timestamp.format(turn.openedAt),
            idempotencyKey: turn.idempotencyKey, usage: try turn.tokenUsage(),
            calls: calls.map { .init(id: $0.callId, name: $0.name, arguments: $0.arguments) },
            results: results.map {
                .init(
                    position: $0.position, outcome: $0.outcome.rawValue, parts: $0.parts,
                    recordedAt: Timestamp.format($0.recordedAt))
            })
    }
}

extension ExportWriter {
    /// One session's lines: its session line, its log (each entry with its results), its open turn.
    mutating func writeSession(
        _ session: SessionRecord, lastActivityAt: String, entries: [EntryRecord], calls: [ToolCallRecord],
        results: [ToolResultRecord], usages: [Int: TokenUsage], hashes: [Int: Data],
        openTurn: (OpenTurnRecord, [OpenCallRecord], [OpenResultRecord])?
    ) throws {
        try write(ExportLine.Session(session, lastActivityAt: lastActivityAt))
        let callsByTurn = Dictionary(grouping: calls, by: \.turnSeq)
        let resultsByTurn = Dictionary(grouping: results, by: \.turnSeq)
        for entry in entries {
            try write(
                ExportLine.Entry(
                    entry, of: session.id, calls: callsByTurn[entry.seq] ?? [], usage: usages[entry.seq],
                    hash: hashes[entry.seq]?.hexString ?? ""))
            for result in resultsByTurn[entry.seq] ?? [] {
                try write(
                    ExportLine.Result(
                        result, of: session.id, hash: hashes[result.turnSeq + 1 + result.position]?.hexString ?? ""))
            }
        }
        if let (turn, calls, results) = openTurn {
            try write(try ExportLine.OpenTurn(turn, of: session.id, calls: calls, results: results))
        }
    }
}
