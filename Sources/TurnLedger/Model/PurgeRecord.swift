import Foundation

/// The audit line a purge leaves: who removed which session, when, why, and how many rows.
public struct PurgeRecord: Sendable, Hashable, Codable {
    public var sessionId: String
    public var tenant: String?
    public var requestedBy: String
    public var reason: String
    public var purgedAt: Date
    /// Every row removed: log rows, hashes, search rows, usage, staging rows and the session.
    public var rowCount: Int

    public init(sessionId: String, tenant: String?, requestedBy: String, reason: String, purgedAt: Date, rowCount: Int)
    {
        self.sessionId = sessionId
        self.tenant = tenant
        self.requestedBy = requestedBy
        self.reason = reason
        self.purgedAt = purgedAt
        self.rowCount = rowCount
    }
}
