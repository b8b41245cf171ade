import GRDB

/// A row of `toolCall`: a committed call, at `position` in the turn whose entry is at `turnSeq`.
struct ToolCallRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "toolCall"

    var sessionId: String
    var turnSeq: Int
    var position: Int
    var callId: String
    var name: String
    var arguments: String

    var call: ToolCall { ToolCall(id: callId, name: name, arguments: arguments) }
}
