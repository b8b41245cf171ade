import GRDB

/// A session as the store refers to it: the integer key every log, staging, hash and search row
/// carries, with the id its caller names it by (for errors and the values returned).
struct SessionRef: Hashable, Sendable {
    var key: Int64
    var id: String
}

extension TenantScope {
    /// The session this scope names `id`; throws ``LedgerError/sessionNotFound(_:)``, or
    /// ``LedgerError/sessionIDAmbiguous(_:tenants:)`` when every tenant is in scope and several
    /// have the id.
    func session(_ db: Database, _ id: String) throws -> SessionRef {
        guard let session = try optionalSession(db, id) else { throw LedgerError.sessionNotFound(id) }
        return session
    }

    /// The session this scope names `id`, or nil.
    func optionalSession(_ db: Database, _ id: String) throws -> SessionRef? {
        // No stored id holds a NUL (createSession refuses one), and GRDB binds a String as a C
        // string: "s1\0x" would look up "s1".
        guard !id.utf8.contains(0) else { return nil }
        switch self {
        case .tenant(let tenant):
            // The unique index sessionByName (id, ifnull(tenant, '')).
            return try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT key FROM session WHERE id = ? AND ifnull(tenant, '') = ?"),
                arguments: [id, tenant ?? ""]
            ).map { SessionRef(key: $0, id: id) }
        case .all:
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT key, tenant FROM session WHERE id = ? ORDER BY ifnull(tenant, '')"),
                arguments: [id])
            guard rows.count <= 1 else {
                throw LedgerError.sessionIDAmbiguous(id, tenants: try rows.map { try $0.optionalText(at: 1) })
            }
            return rows.first.map { SessionRef(key: $0[0], id: id) }
        }
    }

    /// An SQL condition on the tenant of `session s` that keeps the sessions in scope, and its
    /// arguments.
    var sessionFilter: (sql: String, arguments: StatementArguments) {
        switch self {
        case .all: ("1", [])
        case .tenant(let tenant): ("s.tenant IS ?", [tenant])
        }
    }

    /// An SQL condition that keeps the rows whose `column` holds the key of a session in scope,
    /// and its arguments; nil when every session is.
    func keyFilter(_ column: String) -> (sql: String, arguments: StatementArguments)? {
        guard case .tenant(let tenant) = self else { return nil }
        return ("\(column) IN (SELECT key FROM session WHERE tenant IS ?)", [tenant])
    }

    /// Throws ``LedgerError/invalidInput(field:reason:)`` when the caller names a tenant this
    /// scope does not reach.
    func requireReaches(tenant: String?) throws {
        if case .tenant(let scoped) = self, scoped != tenant {
            throw LedgerError.invalidInput(
                field: "tenant", reason: "this ledger is scoped to \(scoped.map { "tenant '\($0)'" } ?? "no tenant")")
        }
    }

    /// The tenant a session created in this scope takes, given the one the caller asked for.
    func tenantForNewSession(_ asked: String?) throws -> String? {
        guard case .tenant(let tenant) = self else { return asked }
        if asked != nil { try requireReaches(tenant: asked) }
        return tenant
    }
}
