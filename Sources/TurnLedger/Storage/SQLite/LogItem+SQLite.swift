import Foundation
import GRDB

/// A session's log items read back from the SQLite tables: what `verify` and the hash chain
/// recompute.
extension LogItem {
    /// How the text of tool rows (call id, name, arguments; a result's call id) is read.
    enum ToolText {
        /// The bytes exactly as stored, read as blobs: what the chain covers since migration 0011.
        case whole
        /// As GRDB copies a text column, up to its first NUL: what the chain covered before 0011
        /// (docs/schema.md, "The hash chain"). Only that migration reads it, to tell which chains
        /// were intact under it.
        case upToFirstNUL
    }

    /// The session's own log rows with seq above `after`, in seq order, read from the tables.
    static func read(_ db: Database, of sessionKey: Int64, after: Int, toolText: ToolText = .whole) throws
        -> [LogItem]
    {
        // A copied row holds text as a C string; a blob keeps every byte.
        let asStored: (String) -> String = { column in toolText == .whole ? "CAST(\(column) AS BLOB)" : column }
        var calls: [Int: [Row]] = [:]  // by turn: callId, name, arguments
        let callRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT turnSeq, \(asStored("callId")), \(asStored("name")), \(asStored("arguments")) FROM toolCall
                    WHERE sessionKey = ? AND turnSeq > ? ORDER BY turnSeq, position
                    """),
            arguments: [sessionKey, after])
        while let row = try callRows.next() { calls[row[0], default: []].append(row.copy()) }
        var results: [Int: [Row]] = [:]  // by turn
        let resultRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT turnSeq, position, \(asStored("callId")), outcome, parts, recordedAt FROM toolResult
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
            text: try row.parts(at: 4), sessionKey: sessionKey, seq: seq, kind: .result, role: "tool",
            position: position)
        for index in docs.indices { docs[index].toolName = toolName }
        return LogItem(seq: seq, canonical: fields.data, searchDocs: docs)
    }
}

extension Row {
    /// A column's bytes exactly as stored, nil for NULL.
    func data(at index: Int) throws -> Data? {
        try withUnsafeData(atIndex: index) { $0.map { Data($0) } }
    }
}
