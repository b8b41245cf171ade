import Foundation
import GRDB
import Logging

extension Ledger {
    /// Creates a session.
    ///
    /// - Parameters:
    ///   - id: Chosen by the caller; any non-empty string up to the configured length.
    ///   - tenant: The owner, when one store serves several.
    ///   - metadata: A JSON object kept with the session.
    /// - Throws: ``LedgerError/sessionAlreadyExists(_:)`` when the id is taken.
    @discardableResult
    public func createSession(
        id: String,
        tenant: String? = nil,
        metadata: [String: JSONValue] = [:]
    ) async throws -> Session {
        try configuration.checkIdentifier(id, field: "id")
        if let tenant { try configuration.checkIdentifier(tenant, field: "tenant") }
        let record = SessionRecord(
            id: id,
            tenant: tenant,
            metadata: try JSONColumn.encode(metadata),
            createdAt: Timestamp.now()
        )
        try await write { db in
            do {
                try record.insert(db)
            } catch DatabaseError.SQLITE_CONSTRAINT_PRIMARYKEY {
                throw LedgerError.sessionAlreadyExists(id)
            }
        }
        logger.debug("created session", metadata: ["session": "\(id)"])
        return try record.session()
    }

    /// The session with this id, or nil.
    public func session(_ id: String) async throws -> Session? {
        try await read { db in try SessionRecord.fetchOne(db, key: id)?.session() }
    }

    /// Every session, newest first.
    public func listSessions() async throws -> [Session] {
        try await read { db in
            try SessionRecord.order(Column("createdAt").desc, Column("id").desc).fetchAll(db).map { try $0.session() }
        }
    }

    /// The seq the next entry of a session takes.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func nextSeq(in sessionID: String) async throws -> Int {
        try await read { db in try Self.nextSeq(db, in: sessionID) }
    }

    static func nextSeq(_ db: Database, in sessionID: String) throws -> Int {
        let request = SQLRequest<Int>(
            sql: "SELECT seq FROM sessionNextSeq WHERE sessionId = ?",
            arguments: [sessionID],
            cached: true
        )
        guard let next = try request.fetchOne(db) else { throw LedgerError.sessionNotFound(sessionID) }
        return next
    }

    static func requireSession(_ db: Database, _ sessionID: String) throws {
        let request = SQLRequest<Bool>(
            sql: "SELECT EXISTS (SELECT 1 FROM session WHERE id = ?)",
            arguments: [sessionID],
            cached: true
        )
        guard try request.fetchOne(db) == true else { throw LedgerError.sessionNotFound(sessionID) }
    }
}
