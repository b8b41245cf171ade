import Foundation
import GRDB

/// A row of `session`.
struct SessionRecord: FetchableRecord, TableRecord {
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
        id = try row.text("id")
        tenant = try row.optionalText("tenant")
        metadata = try row.text("metadata")
        createdAt = try Timestamp.parse(row["createdAt"]).orInvalidRow("createdAt")
        parentSessionId = try row.optionalText("parentSessionId")
        parentSeq = row["parentSeq"]
    }

    /// Inserts the row through one cached statement: GRDB's record insert builds its SQL on every call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO session (id, tenant, metadata, createdAt, parentSessionId, parentSeq)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [id, tenant, metadata, Timestamp.format(createdAt), parentSessionId, parentSeq])
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
