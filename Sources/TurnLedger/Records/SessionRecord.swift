import Foundation
import GRDB

/// A row of `session`.
struct SessionRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "session"

    var id: String
    var tenant: String?
    var metadata: String  // a JSON object
    var createdAt: Date
    var parentSessionId: String?
    var parentSeq: Int?

    init(id: String, tenant: String? = nil, metadata: String, createdAt: Date) {
        self.id = id
        self.tenant = tenant
        self.metadata = metadata
        self.createdAt = createdAt
    }

    init(row: Row) throws {
        id = row["id"]
        tenant = row["tenant"]
        metadata = row["metadata"]
        createdAt = try Timestamp.parse(row["createdAt"]).orInvalidRow("createdAt")
        parentSessionId = row["parentSessionId"]
        parentSeq = row["parentSeq"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["tenant"] = tenant
        container["metadata"] = metadata
        container["createdAt"] = Timestamp.format(createdAt)
        container["parentSessionId"] = parentSessionId
        container["parentSeq"] = parentSeq
    }

    func session() throws -> Session {
        Session(
            id: id,
            tenant: tenant,
            metadata: try JSONColumn.decode([String: JSONValue].self, from: metadata),
            createdAt: createdAt
        )
    }
}
