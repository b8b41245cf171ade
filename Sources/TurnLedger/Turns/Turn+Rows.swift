import Foundation

/// What both engines do with a turn's rows once they are read: the turn they hold, and the
/// results that close a staged one.
extension StagedTurn {
    /// The staged turn its rows hold.
    init(
        _ record: OpenTurnRecord, calls: [OpenCallRecord], results: [OpenResultRecord], in session: SessionRef
    ) throws {
        self.init(
            session: session, record: record, turn: try Self.turn(record, calls: calls, results: results, in: session),
            results: results)
    }

    /// The open turn a staged turn's rows hold.
    static func turn(
        _ record: OpenTurnRecord, calls: [OpenCallRecord], results: [OpenResultRecord], in session: SessionRef
    ) throws -> Turn {
        let callIds = Dictionary(uniqueKeysWithValues: calls.map { ($0.position, $0.callId) })
        return Turn(
            sessionId: session.id,
            seq: record.seq,
            parts: try PartsCodec.decode(record.parts),
            calls: calls.map(\.call),
            // A result whose call is missing can only come from a raw writer without foreign
            // keys; it is skipped here, and `verify` reports it.
            results: try results.compactMap { result in
                guard let callId = callIds[result.position] else { return nil }
                return ToolResult(
                    callId: callId,
                    outcome: result.outcome,
                    parts: try PartsCodec.decode(result.parts),
                    recordedAt: result.recordedAt
                )
            },
            openedAt: record.openedAt,
            isCommitted: false,
            usage: try record.tokenUsage()
        )
    }

    /// The turn with `text` recorded as an `outcome` result for every unanswered call, in call
    /// order, and the staging rows of those results, to insert before the turn is sealed.
    func closing(as outcome: ToolOutcome, saying text: String) -> (StagedTurn, [OpenResultRecord]) {
        let now = Timestamp.now()
        let parts = [ContentPart.text(text)]
        let encodedParts = PartsCodec.encode(parts)
        var closed = turn
        var records: [OpenResultRecord] = []
        for (position, call) in turn.calls.enumerated() where turn.unansweredCallIds.contains(call.id) {
            records.append(
                OpenResultRecord(
                    sessionKey: record.sessionKey, position: position, outcome: outcome, parts: encodedParts,
                    recordedAt: now))
            closed.results.append(ToolResult(callId: call.id, outcome: outcome, parts: parts, recordedAt: now))
        }
        let order = Dictionary(uniqueKeysWithValues: turn.calls.enumerated().map { ($1.id, $0) })
        closed.results.sort { order[$0.callId, default: 0] < order[$1.callId, default: 0] }
        let rows = (results + records).sorted { $0.position < $1.position }
        return (StagedTurn(session: session, record: record, turn: closed, results: rows), records)
    }
}

extension Turn {
    /// The committed turn whose assistant entry is `entry`, from its rows.
    static func committed(
        _ entry: EntryRecord, calls: [ToolCallRecord], results: [ToolResultRecord], usage: TokenUsage?,
        in session: SessionRef
    ) throws -> Turn {
        Turn(
            sessionId: session.id,
            seq: entry.seq,
            parts: try PartsCodec.decode(entry.parts),
            calls: calls.map(\.call),
            results: try results.map { try $0.result() },
            openedAt: entry.createdAt,
            isCommitted: true,
            usage: usage
        )
    }
}

extension EntryRecord {
    /// Whether this stored entry holds `message`: an append retried with the same idempotency key.
    func holds(_ message: Ledger.PendingMessage) -> Bool {
        role == message.role && parts == message.encodedParts && callCount == 0
            && summaryFrom == message.summarizes?.lowerBound && summaryTo == message.summarizes?.upperBound
    }
}
