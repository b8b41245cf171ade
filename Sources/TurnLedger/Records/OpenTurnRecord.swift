import Foundation
import GRDB

/// A row of `openTurn`: the assistant message of a turn that is not committed yet.
struct OpenTurnRecord: FetchableRecord, TableRecord {
    static let databaseTableName = "openTurn"

    var sessionId: String
    var seq: Int
    var parts: String  // PartsCodec text
    var callCount: Int
    var idempotencyKey: String?
    var openedAt: Date

    init(sessionId: String, seq: Int, parts: String, callCount: Int, idempotencyKey: String?, openedAt: Date) {
        self.sessionId = sessionId
        self.seq = seq
        self.parts = parts
        self.callCount = callCount
        self.idempotencyKey = idempotencyKey
        self.openedAt = openedAt
    }

    init(row: Row) throws {
        sessionId = try row.text("sessionId")
        seq = row["seq"]
        parts = try row.text("parts")
        callCount = row["callCount"]
        idempotencyKey = try row.optionalText("idempotencyKey")
        openedAt = try Timestamp.parse(row["openedAt"]).orInvalidRow("openedAt")
    }

    /// Inserts the row through one cached statement: GRDB's record insert builds its SQL on every call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO openTurn (sessionId, seq, parts, callCount, idempotencyKey, openedAt)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [sessionId, seq, parts, callCount, idempotencyKey, Timestamp.format(openedAt)])
    }
}
