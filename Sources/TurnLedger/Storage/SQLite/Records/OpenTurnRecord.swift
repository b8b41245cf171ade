import Foundation
import GRDB

/// A row of `openTurn`: the assistant message of a turn that is not committed yet.
struct OpenTurnRecord: PositionalRecord {
    static let databaseTableName = "openTurn"
    static let columnNames = ["sessionKey", "seq", "parts", "callCount", "idempotencyKey", "openedAt", "usage"]

    var sessionKey: Int64
    var seq: Int
    var parts: String  // PartsCodec text
    var callCount: Int
    var idempotencyKey: String?
    var openedAt: Date
    var usage: String?  // a TokenUsage as a JSON object

    init(
        sessionKey: Int64, seq: Int, parts: String, callCount: Int, idempotencyKey: String?, openedAt: Date,
        usage: String? = nil
    ) {
        self.sessionKey = sessionKey
        self.seq = seq
        self.parts = parts
        self.callCount = callCount
        self.idempotencyKey = idempotencyKey
        self.openedAt = openedAt
        self.usage = usage
    }

    init(row: Row) throws {
        sessionKey = row[0]
        seq = row[1]
        parts = try row.text(at: 2)
        callCount = row[3]
        idempotencyKey = try row.optionalText(at: 4)
        openedAt = try Timestamp.parse(row[5]).orInvalidRow("openedAt")
        usage = try row.optionalText(at: 6)
    }

    /// The staged usage, decoded.
    func tokenUsage() throws -> TokenUsage? {
        try usage.map { try JSONColumn.decode(TokenUsage.self, from: $0) }
    }

    /// Inserts the row through one cached statement: GRDB's record insert builds its SQL on every call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO openTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt, usage)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [sessionKey, seq, parts, callCount, idempotencyKey, Timestamp.format(openedAt), usage])
    }
}
