import Foundation
import GRDB

/// A row of `session`.
struct SessionRecord: FetchableRecord, TableRecord {
    static let databaseTableName = "session"
    /// The columns `init(row:)` reads, by position: looking columns up by name costs a lowercased
    /// copy and a hash per column and row.
    static let columnNames = ["id", "tenant", "metadata", "createdAt", "parentSessionId", "parentSeq"]
    static let selectedColumns = columnNames.joined(separator: ", ")
    static var databaseSelection: [any SQLSelectable] { columnNames.map { Column($0) } }

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
            createdAt: createdAt
        )
    }
}
