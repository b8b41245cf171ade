import GRDB

/// A row of `openCall`: a call of an open turn.
struct OpenCallRecord: FetchableRecord, TableRecord {
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

    /// Inserts the row through one cached statement: GRDB's record insert builds its SQL on every call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO openCall (sessionId, position, callId, name, arguments) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [sessionId, position, callId, name, arguments])
    }

    var call: ToolCall { ToolCall(id: callId, name: name, arguments: arguments) }
}
