import Foundation
import GRDB
import Logging

extension Ledger {
    /// Creates a session.
    ///
    /// - Parameters:
    ///   - id: Chosen by the caller; any non-empty string up to the configured length. Unique
    ///     within its tenant: two tenants may each have a session with the same id.
    ///   - tenant: The owner, when one store serves several. A ledger scoped to a tenant
    ///     (``scoped(to:)``) creates the session in that tenant; another one here is invalid input.
    ///   - metadata: A JSON object kept with the session.
    /// - Throws: ``LedgerError/sessionAlreadyExists(_:)`` when the tenant has a session with this id.
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
            tenant: try scope.tenantForNewSession(tenant),
            metadata: try JSONColumn.encode(metadata),
            createdAt: Timestamp.now()
        )
        if case .postgres(let store) = engine {
            try await store.createSession(record)
        } else {
            try await write { db in
                var stored = record
                try stored.insert(db)
            }
        }
        logger.debug("created session", metadata: ["session": "\(id)"])
        return try record.session()
    }

    /// The session with this id in the ledger's scope, or nil.
    ///
    /// - Throws: ``LedgerError/sessionIDAmbiguous(_:tenants:)`` in an unscoped ledger when
    ///   sessions of several tenants have the id.
    public func session(_ id: String) async throws -> Session? {
        if case .postgres(let store) = engine { return try await store.sessionRecord(scope, id)?.session() }
        return try await read { db in
            try scope.optionalSession(db, id).map { try SessionRecord.fetch(db, $0).session() }
        }
    }

    /// Every session in the ledger's scope, newest first.
    public func listSessions() async throws -> [Session] {
        if case .postgres(let store) = engine { return try await store.listSessions(in: scope) }
        let filter = scope.sessionFilter
        return try await read { db in
            try SessionRecord.fetchAll(
                db,
                sql: SessionRecord.selection + " WHERE \(filter.sql) ORDER BY s.createdAt DESC, s.id DESC, s.key DESC",
                arguments: filter.arguments
            ).map { try $0.session() }
        }
    }

    /// The seq the next entry of a session takes.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func nextSeq(in sessionID: String) async throws -> Int {
        if case .postgres(let store) = engine {
            return try await store.read(session: sessionID, in: scope) { connection, session in
                try await store.nextSeq(connection, in: session)
            }
        }
        return try await read { db in try Self.nextSeq(db, in: scope.session(db, sessionID)) }
    }

    static func nextSeq(_ db: Database, in session: SessionRef) throws -> Int {
        let request = SQLRequest<Int>(
            sql: "SELECT seq FROM sessionNextSeq WHERE sessionKey = ?",
            arguments: [session.key],
            cached: true
        )
        guard let next = try request.fetchOne(db) else { throw LedgerError.sessionNotFound(session.id) }
        return next
    }
}
