import Foundation
import GRDB

/// A row of `openTurn`: the assistant message of a turn that is not committed yet.
struct OpenTurnRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "openTurn"

    var sessionId: String
    var seq: Int
    var parts: String  // a JSON array of ContentPart
    var callCount: Int
    var idempotencyKey: String?
    var openedAt: Date
}
