import GRDB

/// A row of `openCall`: a call of an open turn.
struct OpenCallRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "openCall"

    var sessionId: String
    var position: Int
    var callId: String
    var name: String
    var arguments: String

    var call: ToolCall { ToolCall(id: callId, name: name, arguments: arguments) }
}
