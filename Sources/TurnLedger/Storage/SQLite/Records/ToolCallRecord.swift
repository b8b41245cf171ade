import GRDB

/// A row of `toolCall`: a committed call, at `position` in the turn whose entry is at `turnSeq`.
struct ToolCallRecord: PositionalRecord {
    static let databaseTableName = "toolCall"
    static let columnNames = ["sessionKey", "turnSeq", "position", "callId", "name", "arguments"]

    var sessionKey: Int64
    var turnSeq: Int
    var position: Int
    var callId: String
    var name: String
    var arguments: String

    init(sessionKey: Int64, turnSeq: Int, position: Int, callId: String, name: String, arguments: String) {
        self.sessionKey = sessionKey
        self.turnSeq = turnSeq
        self.position = position
        self.callId = callId
        self.name = name
        self.arguments = arguments
    }

    init(row: Row) throws {
        sessionKey = row[0]
        turnSeq = row[1]
        position = row[2]
        callId = try row.text(at: 3)
        name = try row.text(at: 4)
        arguments = try row.text(at: 5)
    }

    /// The row a history read stands on, selected with ``selectedColumns``.
    init(_ row: CurrentRow) {
        sessionKey = Int64(row.int(0))
        turnSeq = row.int(1)
        position = row.int(2)
        callId = row.text(3)
        name = row.text(4)
        arguments = row.text(5)
    }

    var call: ToolCall { ToolCall(id: callId, name: name, arguments: arguments) }
}
