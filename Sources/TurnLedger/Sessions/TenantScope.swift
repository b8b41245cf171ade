/// Which sessions a ledger's session ids name.
///
/// A session is named by its tenant and its id: two tenants may each have a session `s1`.
/// A ledger scoped to a tenant (``Ledger/scoped(to:)``) reads and writes that tenant's
/// sessions only, creates its sessions in that tenant, and lists, searches and exports that
/// tenant's sessions only; any other tenant's session is, to it, a session that does not exist.
///
/// ```swift
/// let acme = ledger.scoped(to: .tenant("acme"))
/// try await acme.createSession(id: "s1")          // (acme, s1)
/// try await acme.append([.text("Hi")], role: .user, to: "s1")
/// ```
public enum TenantScope: Sendable, Hashable {
    /// Every session (the default): an id names the one session that has it, whatever its
    /// tenant. An id that sessions of several tenants have is
    /// ``LedgerError/sessionIDAmbiguous(_:tenants:)``.
    case all
    /// The sessions of one tenant; `nil`: the sessions that have no tenant.
    case tenant(String?)
}

extension Ledger {
    /// This ledger, naming sessions within `scope`. It shares the store and the write pipeline.
    public func scoped(to scope: TenantScope) -> Ledger {
        var scoped = self
        scoped.scope = scope
        return scoped
    }
}
