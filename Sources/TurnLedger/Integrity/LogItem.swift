import Foundation

/// One seq of a session's own log, as stored: what its hash covers and what search indexes.
struct LogItem {
    var seq: Int
    /// The canonical content: every stored field, each length-prefixed (docs/schema.md).
    var canonical: Data
    var searchDocs: [SearchDoc]

    /// The item of an entry from the values just inserted: the same bytes the table holds, so the
    /// chain can be extended without reading the row back.
    static func appended(
        _ record: EntryRecord, parts: [ContentPart], usage: TokenUsage?, calls: [ToolCall] = []
    ) -> LogItem {
        var fields = CanonicalFields(kind: "entry")
        fields.append(integer: record.seq)
        fields.append(Data(record.role.rawValue.utf8))
        fields.append(Data(record.parts.utf8))
        fields.append(integer: record.callCount)
        fields.append(record.idempotencyKey.map { Data($0.utf8) })
        fields.append(Data(Timestamp.format(record.createdAt).utf8))
        fields.append(integer: record.summaryFrom)
        fields.append(integer: record.summaryTo)
        if let usage {
            fields.append(usage.model.map { Data($0.utf8) })
            for value in [usage.inputTokens, usage.outputTokens, usage.cachedTokens, usage.reasoningTokens] {
                fields.append(integer: value)
            }
        } else {
            for _ in 1...5 { fields.append(nil) }
        }
        if let rewindTo = record.rewindTo { fields.append(integer: rewindTo) }  // only then: older hashes stay valid
        var docs = [SearchDoc](
            text: parts, sessionKey: record.sessionKey, seq: record.seq, kind: .message, role: record.role.rawValue)
        for (position, call) in calls.enumerated() {
            fields.append(Data(call.id.utf8))
            fields.append(Data(call.name.utf8))
            fields.append(Data(call.arguments.utf8))
            docs.append(
                SearchDoc(
                    sessionKey: record.sessionKey, seq: record.seq, kind: .arguments, role: "assistant",
                    toolName: call.name, position: position, text: call.arguments))
        }
        return LogItem(seq: record.seq, canonical: fields.data, searchDocs: docs.filter { !$0.text.isEmpty })
    }

    /// The items of the turn sealed from `staged` as `entry`: the assistant entry with its calls,
    /// then each staged result in position order. They are the rows the seal inserts, hashed
    /// without reading them back.
    static func sealed(_ staged: StagedTurn, entry: EntryRecord, usage: TokenUsage?) throws -> [LogItem] {
        let calls = staged.turn.calls
        var items = [appended(entry, parts: staged.turn.parts, usage: usage, calls: calls)]
        let partsByCall = Dictionary(staged.turn.results.map { ($0.callId, $0.parts) }) { first, _ in first }
        for result in staged.results {
            let call = result.position < calls.count ? calls[result.position] : nil
            let parts = try call.flatMap { partsByCall[$0.id] } ?? PartsCodec.decode(result.parts)
            items.append(recorded(result, turnSeq: entry.seq, callId: call?.id, toolName: call?.name, parts: parts))
        }
        return items
    }

    /// The item of a result from the values just inserted, like ``appended(_:parts:usage:calls:)``.
    static func recorded(
        _ result: OpenResultRecord, turnSeq: Int, callId: String?, toolName: String?, parts: [ContentPart]
    ) -> LogItem {
        let seq = turnSeq + 1 + result.position
        var fields = CanonicalFields(kind: "result")
        fields.append(integer: seq)
        fields.append(callId.map { Data($0.utf8) })
        fields.append(Data(result.outcome.rawValue.utf8))
        fields.append(Data(result.parts.utf8))
        fields.append(Data(Timestamp.format(result.recordedAt).utf8))
        var docs = [SearchDoc](
            text: parts, sessionKey: result.sessionKey, seq: seq, kind: .result, role: "tool",
            position: result.position)
        for index in docs.indices { docs[index].toolName = toolName }
        return LogItem(seq: seq, canonical: fields.data, searchDocs: docs)
    }
}

/// Length-prefixed fields: 4 bytes big-endian length then the bytes; 0xFFFFFFFF for null.
struct CanonicalFields {
    private(set) var data = Data()

    init(kind: String) { append(Data(kind.utf8)) }

    mutating func append(_ field: Data?) {
        guard let field else {
            data.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
            return
        }
        let count = UInt32(field.count)
        data.append(contentsOf: [
            UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF),
        ])
        data.append(field)
    }

    mutating func append(integer: Int?) {
        append(integer.map { Data(String($0).utf8) })
    }
}
