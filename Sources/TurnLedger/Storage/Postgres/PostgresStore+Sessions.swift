import Foundation
import PostgresNIO

/// Sessions on PostgreSQL: naming them within a tenant scope, creating and reading them.
extension PostgresStore {
    /// The session `scope` names `id`; inside a write, its row is locked until the transaction
    /// ends, so the session's writes from every service take turns.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``, ``LedgerError/sessionIDAmbiguous(_:tenants:)``.
    func session(_ connection: PostgresConnection, _ scope: TenantScope, _ id: String, locking: Bool) async throws
        -> SessionRef
    {
        guard let session = try await optionalSession(connection, scope, id, locking: locking) else {
            throw LedgerError.sessionNotFound(id)
        }
        return session
    }

    func optionalSession(_ connection: PostgresConnection, _ scope: TenantScope, _ id: String, locking: Bool)
        async throws -> SessionRef?
    {
        guard !id.utf8.contains(0) else { return nil }  // PostgreSQL text holds no NUL, and no session id has one
        // FOR NO KEY UPDATE: it does not wait for the key-share locks of other sessions' inserts.
        let lock = locking ? " FOR NO KEY UPDATE" : ""
        switch scope {
        case .tenant(let tenant):
            // The unique index sessionByName (id, coalesce(tenant, '')).
            let row = try await connection.firstRow(
                "SELECT key FROM session WHERE id = \(id) AND coalesce(tenant, '') = \(tenant ?? "")\(unescaped: lock)",
                logger: logger)
            return try row.map { SessionRef(key: try $0.decode(Int64.self), id: id) }
        case .all:
            let rows = try await connection.rows(
                "SELECT key, tenant FROM session WHERE id = \(id) ORDER BY coalesce(tenant, '')\(unescaped: lock)",
                logger: logger)
            let sessions = try rows.map { try $0.decode((Int64, String?).self) }
            guard sessions.count <= 1 else { throw LedgerError.sessionIDAmbiguous(id, tenants: sessions.map(\.1)) }
            return sessions.first.map { SessionRef(key: $0.0, id: id) }
        }
    }

    /// Inserts a new session; its tenant's unique name is the database's to keep.
    ///
    /// - Throws: ``LedgerError/sessionAlreadyExists(_:)``.
    func createSession(_ record: SessionRecord) async throws {
        do {
            _ = try await write { connection in
                try await connection.query(
                    """
                    INSERT INTO session (id, tenant, metadata, createdAt)
                    VALUES (\(record.id), \(record.tenant), \(record.metadata)::json, \(Timestamp.format(record.createdAt)))
                    """, logger: logger)
            }
        } catch LedgerError.postgresFailed(_, "23505"?, _) {  // unique_violation on sessionByName
            throw LedgerError.sessionAlreadyExists(record.id)
        }
    }

    /// The session `scope` names `id`, with its parent's id, or nil.
    func sessionRecord(_ scope: TenantScope, _ id: String) async throws -> SessionRecord? {
        try await read { connection in
            guard let session = try await optionalSession(connection, scope, id, locking: false) else { return nil }
            let row = try await connection.firstRow(
                """
                SELECT s.tenant, s.metadata::text, s.createdAt, s.parentKey, p.id, s.parentSeq
                FROM session s LEFT JOIN session p ON p.key = s.parentKey WHERE s.key = \(session.key)
                """, logger: logger)
            guard let row else { return nil }
            let (tenant, metadata, createdAt, parentKey, parentID, parentSeq) =
                try row.decode((String?, String, String, Int64?, String?, Int?).self)
            var record = SessionRecord(
                id: id, tenant: tenant, metadata: metadata,
                createdAt: try Timestamp.parse(createdAt).orInvalidRow("createdAt"),
                parent: parentKey.flatMap { key in parentID.map { SessionRef(key: key, id: $0) } }, parentSeq: parentSeq)
            record.key = session.key
            return record
        }
    }

    func sessionRef(_ scope: TenantScope, _ id: String) async throws -> SessionRef {
        try await read(session: id, in: scope) { _, session in session }
    }

    func nextSeq(in sessionID: String, scope: TenantScope) async throws -> Int {
        try await read(session: sessionID, in: scope) { connection, session in
            try await nextSeq(connection, in: session)
        }
    }

    /// The seq the next entry of `session` takes.
    func nextSeq(_ connection: PostgresConnection, in session: SessionRef) async throws -> Int {
        guard
            let row = try await connection.firstRow(
                "SELECT seq FROM sessionNextSeq WHERE sessionKey = \(session.key)", logger: logger)
        else { throw LedgerError.sessionNotFound(session.id) }
        return try row.decode(Int.self)
    }
}
