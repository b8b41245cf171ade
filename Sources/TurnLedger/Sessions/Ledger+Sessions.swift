import Foundation
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
        try await store.createSession(record)
        logger.debug("created session", metadata: ["session": "\(id)"])
        return try record.session()
    }

    /// The session with this id in the ledger's scope, or nil.
    ///
    /// - Throws: ``LedgerError/sessionIDAmbiguous(_:tenants:)`` in an unscoped ledger when
    ///   sessions of several tenants have the id.
    public func session(_ id: String) async throws -> Session? {
        try await store.sessionRecord(scope, id)?.session()
    }

    /// Every session in the ledger's scope, newest first.
    public func listSessions() async throws -> [Session] {
        try await store.listSessions(in: scope)
    }

    /// The seq the next entry of a session takes.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func nextSeq(in sessionID: String) async throws -> Int {
        try await store.nextSeq(in: sessionID, scope: scope)
    }
}
