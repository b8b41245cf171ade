import Foundation
import GRDB

/// A row of `openResult`: a result recorded into an open turn, durable at once.
struct OpenResultRecord: FetchableRecord, TableRecord {
    static let databaseTableName = "openResult"

    var sessionId: String
    var position: Int
    var outcome: ToolOutcome
    var parts: String  // PartsCodec text
    var recordedAt: Date

    init(sessionId: String, position: Int, outcome: ToolOutcome, parts: String, recordedAt: Date) {
        self.sessionId = sessionId
        self.position = position
        self.outcome = outcome
        self.parts = parts
        self.recordedAt = recordedAt
    }

    init(row: Row) throws {
        sessionId = try row.text("sessionId")
        position = row["position"]
        outcome = try ToolOutcome(rawValue: row["outcome"]).orInvalidRow("outcome")
        parts = try row.text("parts")
        recordedAt = try Timestamp.parse(row["recordedAt"]).orInvalidRow("recordedAt")
    }

    /// Inserts the row through one cached statement: GRDB's record insert builds its SQL on every call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO openResult (sessionId, position, outcome, parts, recordedAt) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [sessionId, position, outcome.rawValue, parts, Timestamp.format(recordedAt)])
    }
}
