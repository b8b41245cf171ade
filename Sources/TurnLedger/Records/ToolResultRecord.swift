import Foundation
import GRDB

/// A row of `toolResult`: a committed result; its seq is `turnSeq + 1 + position`.
struct ToolResultRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "toolResult"

    var sessionId: String
    var turnSeq: Int
    var position: Int
    var callId: String
    var outcome: ToolOutcome
    var parts: String  // a JSON array of ContentPart
    var recordedAt: Date

    func entry() throws -> Entry {
        Entry(
            sessionId: sessionId,
            seq: turnSeq + 1 + position,
            role: .tool,
            parts: try JSONColumn.decode([ContentPart].self, from: parts),
            toolCallId: callId,
            outcome: outcome,
            createdAt: recordedAt
        )
    }

    func result() throws -> ToolResult {
        ToolResult(
            callId: callId,
            outcome: outcome,
            parts: try JSONColumn.decode([ContentPart].self, from: parts),
            recordedAt: recordedAt
        )
    }
}
