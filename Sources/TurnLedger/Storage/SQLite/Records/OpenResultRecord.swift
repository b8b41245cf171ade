import Foundation
import GRDB

/// A row of `openResult`: a result recorded into an open turn, durable at once.
struct OpenResultRecord: PositionalRecord {
    static let databaseTableName = "openResult"
    static let columnNames = ["sessionKey", "position", "outcome", "parts", "recordedAt"]

    var sessionKey: Int64
    var position: Int
    var outcome: ToolOutcome
    var parts: String  // PartsCodec text
    var recordedAt: Date

    init(sessionKey: Int64, position: Int, outcome: ToolOutcome, parts: String, recordedAt: Date) {
        self.sessionKey = sessionKey
        self.position = position
        self.outcome = outcome
        self.parts = parts
        self.recordedAt = recordedAt
    }

    init(row: Row) throws {
        sessionKey = row[0]
        position = row[1]
        outcome = try ToolOutcome(rawValue: row[2]).orInvalidRow("outcome")
        parts = try row.text(at: 3)
        recordedAt = try Timestamp.parse(row[4]).orInvalidRow("recordedAt")
    }

    /// Inserts the row through one cached statement: GRDB's record insert builds its SQL on every call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO openResult (sessionKey, position, outcome, parts, recordedAt) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [sessionKey, position, outcome.rawValue, parts, Timestamp.format(recordedAt)])
    }
}
