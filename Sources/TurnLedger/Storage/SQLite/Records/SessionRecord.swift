import Foundation
import GRDB

/// A row of `session`, with its parent's id.
struct SessionRecord: FetchableRecord {
    /// The columns `init(row:)` reads, of `session s` joined to its parent `session p`
    /// (``joins``). Columns selected after them start at ``columnCount``.
    static let columns = "s.key, s.id, s.tenant, s.metadata, s.createdAt, s.parentKey, p.id, s.parentSeq"
    static let columnCount = 8
    static let joins = "session s LEFT JOIN session p ON p.key = s.parentKey"
    /// `SELECT` ``columns`` `FROM` ``joins``: append `WHERE …` on `s`.
    static let selection = "SELECT \(columns) FROM \(joins)"

    /// Nil until the row is inserted.
    var key: Int64?
    var id: String
    var tenant: String?
    var metadata: String  // a JSON object
    var createdAt: Date
    var parent: SessionRef?
    var parentSeq: Int?

    init(
        id: String, tenant: String? = nil, metadata: String, createdAt: Date, parent: SessionRef? = nil,
        parentSeq: Int? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.metadata = metadata
        self.createdAt = createdAt
        self.parent = parent
        self.parentSeq = parentSeq
    }

    init(row: Row) throws {
        key = row[0]
        id = try row.text(at: 1)
        tenant = try row.optionalText(at: 2)
        metadata = try row.text(at: 3)
        createdAt = try Timestamp.parse(row[4]).orInvalidRow("createdAt")
        let parentKey: Int64? = row[5]
        parent = try parentKey.map { SessionRef(key: $0, id: try row.text(at: 6)) }
        parentSeq = row[7]
    }

    /// The session's reference once stored.
    var ref: SessionRef {
        get throws { SessionRef(key: try key.orInvalidRow("key"), id: id) }
    }

    /// Inserts the row through one cached statement and sets ``key``. A session of the same
    /// tenant with the same id is ``LedgerError/sessionAlreadyExists(_:)``.
    mutating func insert(_ db: Database) throws {
        do {
            try db.cachedStatement(
                sql: """
                    INSERT INTO session (id, tenant, metadata, createdAt, parentKey, parentSeq)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [id, tenant, metadata, Timestamp.format(createdAt), parent?.key, parentSeq])
        } catch DatabaseError.SQLITE_CONSTRAINT_UNIQUE {
            throw LedgerError.sessionAlreadyExists(id)
        }
        key = db.lastInsertedRowID
    }

    /// The session of `ref`.
    static func fetch(_ db: Database, _ ref: SessionRef) throws -> SessionRecord {
        try fetchOne(db.cachedStatement(sql: selection + " WHERE s.key = ?"), arguments: [ref.key])
            .orInvalidRow("session")
    }

    func session() throws -> Session {
        Session(
            id: id,
            tenant: tenant,
            metadata: try JSONColumn.decode([String: JSONValue].self, from: metadata),
            createdAt: createdAt,
            parentSessionId: parent?.id,
            parentSeq: parentSeq
        )
    }
}
