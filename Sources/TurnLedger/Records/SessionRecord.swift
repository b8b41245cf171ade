import Foundation
import GRDB

/// A row of `session`.
struct SessionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "session"

    var id: String
    var tenant: String?
    var metadata: String  // a JSON object
    var createdAt: Date
    var parentSessionId: String?
    var parentSeq: Int?

    func session() throws -> Session {
        Session(
            id: id,
            tenant: tenant,
            metadata: try JSONColumn.decode([String: JSONValue].self, from: metadata),
            createdAt: createdAt
        )
    }
}
