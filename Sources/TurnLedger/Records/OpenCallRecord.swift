import GRDB

/// A row of `openCall`: a call of an open turn.
struct OpenCallRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "openCall"

    var sessionId: String
    var position: Int
    var callId: String
    var name: String
    var arguments: String

    init(sessionId: String, position: Int, callId: String, name: String, arguments: String) {
        self.sessionId = sessionId
        self.position = position
        self.callId = callId
        self.name = name
        self.arguments = arguments
    }

    init(row: Row) {
        sessionId = row["sessionId"]
        position = row["position"]
        callId = row["callId"]
        name = row["name"]
        arguments = row["arguments"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["sessionId"] = sessionId
        container["position"] = position
        container["callId"] = callId
        container["name"] = name
        container["arguments"] = arguments
    }

    var call: ToolCall { ToolCall(id: callId, name: name, arguments: arguments) }
}
