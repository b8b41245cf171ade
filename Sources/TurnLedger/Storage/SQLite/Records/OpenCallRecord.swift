import Foundation
import GRDB

/// A row of `openCall`: a call of an open turn.
struct OpenCallRecord: PositionalRecord {
    static let databaseTableName = "openCall"
    static let columnNames = ["sessionKey", "position", "callId", "name", "arguments"]

    var sessionKey: Int64
    var position: Int
    var callId: String
    var name: String
    var arguments: String

    init(sessionKey: Int64, position: Int, callId: String, name: String, arguments: String) {
        self.sessionKey = sessionKey
        self.position = position
        self.callId = callId
        self.name = name
        self.arguments = arguments
    }

    init(row: Row) throws {
        sessionKey = row[0]
        position = row[1]
        callId = try row.text(at: 2)
        name = try row.text(at: 3)
        arguments = try row.text(at: 4)
    }

    /// Inserts the row through one cached statement. The model's call id, name and arguments are
    /// bound as bytes and cast to text: GRDB binds a `String` as a C string, which ends at a NUL.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO openCall (sessionKey, position, callId, name, arguments)
                VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))
                """
        ).execute(arguments: [sessionKey, position, Data(callId.utf8), Data(name.utf8), Data(arguments.utf8)])
    }

    var call: ToolCall { ToolCall(id: callId, name: name, arguments: arguments) }
}
