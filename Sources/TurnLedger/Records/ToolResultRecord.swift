import Foundation
import GRDB

/// A row of `toolResult`: a committed result; its seq is `turnSeq + 1 + position`.
struct ToolResultRecord: FetchableRecord, TableRecord {
    static let databaseTableName = "toolResult"

    var sessionId: String
    var turnSeq: Int
    var position: Int
    var callId: String
    var outcome: ToolOutcome
    var parts: String  // PartsCodec text
    var recordedAt: Date

    init(row: Row) throws {
        sessionId = try row.text("sessionId")
        turnSeq = row["turnSeq"]
        position = row["position"]
        callId = try row.text("callId")
        outcome = try ToolOutcome(rawValue: row["outcome"]).orInvalidRow("outcome")
        parts = try row.text("parts")
        recordedAt = try Timestamp.parse(row["recordedAt"]).orInvalidRow("recordedAt")
    }

    func entry() throws -> Entry {
        Entry(
            sessionId: sessionId,
            seq: turnSeq + 1 + position,
            role: .tool,
            parts: try PartsCodec.decode(parts),
            toolCallId: callId,
            outcome: outcome,
            createdAt: recordedAt
        )
    }

    func result() throws -> ToolResult {
        ToolResult(callId: callId, outcome: outcome, parts: try PartsCodec.decode(parts), recordedAt: recordedAt)
    }
}
