import GRDB

/// A row of `toolCall`: a committed call, at `position` in the turn whose entry is at `turnSeq`.
struct ToolCallRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "toolCall"
    /// The columns `init(row:)` reads, by position: looking columns up by name costs a lowercased
    /// copy and a hash per column and row.
    static let columnNames = ["sessionId", "turnSeq", "position", "callId", "name", "arguments"]
    static let selectedColumns = columnNames.joined(separator: ", ")
    static var databaseSelection: [any SQLSelectable] { columnNames.map { Column($0) } }

    var sessionId: String
    var turnSeq: Int
    var position: Int
    var callId: String
    var name: String
    var arguments: String

    init(row: Row) throws {
        sessionId = try row.text(at: 0)
        turnSeq = row[1]
        position = row[2]
        callId = try row.text(at: 3)
        name = try row.text(at: 4)
        arguments = try row.text(at: 5)
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
