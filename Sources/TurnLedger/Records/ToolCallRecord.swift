import GRDB

/// A row of `toolCall`: a committed call, at `position` in the turn whose entry is at `turnSeq`.
struct ToolCallRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "toolCall"

    var sessionId: String
    var turnSeq: Int
    var position: Int
    var callId: String
    var name: String
    var arguments: String

    init(row: Row) throws {
        sessionId = try row.text("sessionId")
        turnSeq = row["turnSeq"]
        position = row["position"]
        callId = try row.text("callId")
        name = try row.text("name")
        arguments = try row.text("arguments")
    }

    func encode(to container: inout PersistenceContainer) {
        container["sessionId"] = sessionId
        container["turnSeq"] = turnSeq
        container["position"] = position
        container["callId"] = callId
        container["name"] = name
        container["arguments"] = arguments
    }

    var call: ToolCall { ToolCall(id: callId, name: name, arguments: arguments) }
}
