import Foundation
import GRDB

/// A row of `session`.
struct SessionRecord: PositionalRecord {
    static let databaseTableName = "session"
    static let columnNames = ["id", "tenant", "metadata", "createdAt", "parentSessionId", "parentSeq"]

    var id: String
    var tenant: String?
    var metadata: String  // a JSON object
    var createdAt: Date
    var parentSessionId: String?
    var parentSeq: Int?

    init(
        id: String, tenant: String? = nil, metadata: String, createdAt: Date, parentSessionId: String? = nil,
        parentSeq: Int? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.metadata = metadata
        self.createdAt = createdAt
        self.parentSessionId = parentSessionId
        self.parentSeq = parentSeq
    }

    init(row: Row) throws {
        id = try row.text(at: 0)
        tenant = try row.optionalText(at: 1)
        metadata = try row.text(at: 2)
        createdAt = try Timestamp.parse(row[3]).orInvalidRow("createdAt")
        parentSessionId = try row.optionalText(at: 4)
        parentSeq = row[5]
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
            createdAt: createdAt,
            parentSessionId: parentSessionId,
            parentSeq: parentSeq
        )
    }
}
