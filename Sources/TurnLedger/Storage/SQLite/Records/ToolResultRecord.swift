import Foundation
import GRDB

/// A row of `toolResult`: a committed result; its seq is `turnSeq + 1 + position`.
struct ToolResultRecord: PositionalRecord {
    static let databaseTableName = "toolResult"
    static let columnNames = ["sessionKey", "turnSeq", "position", "callId", "outcome", "parts", "recordedAt"]

    var sessionKey: Int64
    var turnSeq: Int
    var position: Int
    var callId: String
    var outcome: ToolOutcome
    var parts: String  // PartsCodec text
    var recordedAt: Date

    init(
        sessionKey: Int64, turnSeq: Int, position: Int, callId: String, outcome: ToolOutcome, parts: String,
        recordedAt: Date
    ) {
        self.sessionKey = sessionKey
        self.turnSeq = turnSeq
        self.position = position
        self.callId = callId
        self.outcome = outcome
        self.parts = parts
        self.recordedAt = recordedAt
    }

    init(row: Row) throws {
        sessionKey = row[0]
        turnSeq = row[1]
        position = row[2]
        callId = try row.text(at: 3)
        outcome = try ToolOutcome(rawValue: row[4]).orInvalidRow("outcome")
        parts = try row.text(at: 5)
        recordedAt = try Timestamp.parse(row[6]).orInvalidRow("recordedAt")
    }

    /// The `tool` entry of a row selected with ``selectedColumns``, read straight from the row.
    static func entry(_ row: CurrentRow, in sessionId: String) throws -> Entry {
        Entry(
            sessionId: sessionId,
            seq: row.int(1) + 1 + row.int(2),
            role: .tool,
            parts: try row.parts(5),
            toolCallId: row.text(3),
            outcome: try row.value(4, "outcome"),
            createdAt: try row.date(6, "recordedAt")
        )
    }

    /// The `tool` entry this row holds.
    func entry(in sessionId: String) throws -> Entry {
        Entry(
            sessionId: sessionId, seq: turnSeq + 1 + position, role: .tool, parts: try PartsCodec.decode(parts),
            toolCallId: callId, outcome: outcome, createdAt: recordedAt)
    }

    func result() throws -> ToolResult {
        ToolResult(callId: callId, outcome: outcome, parts: try PartsCodec.decode(parts), recordedAt: recordedAt)
    }
}
