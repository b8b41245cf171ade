import Foundation
import GRDB

/// A row of `openResult`: a result recorded into an open turn, durable at once.
struct OpenResultRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "openResult"

    var sessionId: String
    var position: Int
    var outcome: ToolOutcome
    var parts: String  // a JSON array of ContentPart
    var recordedAt: Date
}
