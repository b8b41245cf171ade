import Foundation

extension Ledger {
    /// Per tool name: calls, outcomes, error rate and the time from call to result, over the
    /// committed log (a session's own rows when `sessionId` is set), sorted by name.
    ///
    /// - Parameters:
    ///   - tenant: Only this tenant's sessions.
    ///   - sessionId: Only this session's own calls.
    ///   - since: Only calls made (turns opened) at or after this time.
    public func toolStats(tenant: String? = nil, sessionId: String? = nil, since: Date? = nil) async throws
        -> [ToolStats]
    {
        try await store.toolStats(in: scope, tenant: tenant, sessionId: sessionId, since: since)
    }
}
