import Foundation
import GRDB

/// One seq of a session's own log, as stored: what its hash covers and what search indexes.
struct LogItem {
    var seq: Int
    /// The canonical content: every stored field, each length-prefixed (docs/schema.md).
    var canonical: Data
    var searchDocs: [SearchDoc]

    /// The session's own log rows with seq above `after`, in seq order, read from the tables.
    static func read(_ db: Database, of sessionKey: Int64, after: Int) throws -> [LogItem] {
        var calls: [Int: [Row]] = [:]  // by turn: callId, name, arguments
        let callRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT turnSeq, callId, name, arguments FROM toolCall
                    WHERE sessionKey = ? AND turnSeq > ? ORDER BY turnSeq, position
                    """),
            arguments: [sessionKey, after])
        while let row = try callRows.next() { calls[row[0], default: []].append(row.copy()) }
        var results: [Int: [Row]] = [:]  // by turn
        let resultRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT turnSeq, position, callId, outcome, parts, recordedAt FROM toolResult
                    WHERE sessionKey = ? AND turnSeq > ? ORDER BY turnSeq, position
                    """),
            arguments: [sessionKey, after])
        while let row = try resultRows.next() { results[row[0], default: []].append(row.copy()) }
        var usages: [Int: Row] = [:]
        let usageRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT \(UsageRecord.selectedColumns) FROM entryUsage WHERE sessionKey = ? AND seq > ?"),
            arguments: [sessionKey, after])
        while let row = try usageRows.next() { usages[row[0]] = row.copy() }

        var items: [LogItem] = []
        let entryRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT seq, role, parts, callCount, idempotencyKey, createdAt, summaryFrom, summaryTo, rewindTo
                    FROM entry WHERE sessionKey = ? AND seq > ? ORDER BY seq
                    """),
            arguments: [sessionKey, after])
        while let row = try entryRows.next() {
            let seq: Int = row[0]
            let turnCalls = calls[seq] ?? []
            items.append(try entryItem(row, calls: turnCalls, usage: usages[seq], in: sessionKey))
            let names = turnCalls.map { (try? $0.text(at: 2)) ?? "" }
            for result in results[seq] ?? [] {
                let position: Int = result[1]
                let name = position < names.count ? names[position] : nil
                items.append(try resultItem(result, turnSeq: seq, toolName: name, in: sessionKey))
            }
        }
        return items
    }

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

    private static func entryItem(_ row: Row, calls: [Row], usage: Row?, in sessionKey: Int64) throws -> LogItem {
        let seq: Int = row[0]
        let role: String = try row.text(at: 1)
        var fields = CanonicalFields(kind: "entry")
        fields.append(integer: seq)
        fields.append(try row.data(at: 1))  // role
        fields.append(try row.data(at: 2))  // parts
        fields.append(integer: row[3])  // callCount
        fields.append(try row.data(at: 4))  // idempotencyKey
        fields.append(try row.data(at: 5))  // createdAt
        fields.append(integer: row[6])  // summaryFrom
        fields.append(integer: row[7])  // summaryTo
        if let usage {
            fields.append(try usage.data(at: 1))  // model
            for index in 2...5 { fields.append(integer: usage[index]) }
        } else {
            for _ in 1...5 { fields.append(nil) }
        }
        if let rewindTo: Int = row[8] { fields.append(integer: rewindTo) }  // only for a marker (0010)
        var docs = [SearchDoc](text: try row.parts(at: 2), sessionKey: sessionKey, seq: seq, kind: .message, role: role)
        for (position, call) in calls.enumerated() {
            fields.append(try call.data(at: 1))  // callId
            fields.append(try call.data(at: 2))  // name
            fields.append(try call.data(at: 3))  // arguments
            let name = try call.text(at: 2)
            docs.append(
                SearchDoc(
                    sessionKey: sessionKey, seq: seq, kind: .arguments, role: "assistant", toolName: name,
                    position: position, text: try call.text(at: 3)))
        }
        return LogItem(seq: seq, canonical: fields.data, searchDocs: docs.filter { !$0.text.isEmpty })
    }

    private static func resultItem(_ row: Row, turnSeq: Int, toolName: String?, in sessionKey: Int64) throws -> LogItem
    {
        let position: Int = row[1]
        let seq = turnSeq + 1 + position
        var fields = CanonicalFields(kind: "result")
        fields.append(integer: seq)
        fields.append(try row.data(at: 2))  // callId
        fields.append(try row.data(at: 3))  // outcome
        fields.append(try row.data(at: 4))  // parts
        fields.append(try row.data(at: 5))  // recordedAt
        var docs = [SearchDoc](
            text: try row.parts(at: 4), sessionKey: sessionKey, seq: seq, kind: .result, role: "tool", position: position)
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

extension Row {
    /// A column's bytes exactly as stored, nil for NULL.
    func data(at index: Int) throws -> Data? {
        try withUnsafeData(atIndex: index) { $0.map { Data($0) } }
    }
}
