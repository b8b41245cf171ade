import Foundation

/// One conversation.
public struct Session: Sendable, Hashable, Codable {
    public var id: String
    public var tenant: String?
    /// A JSON object, free for the caller.
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    /// For a fork: the session it continues, and the last seq of that session's history it
    /// shares. Its own entries start at `parentSeq + 1`.
    public var parentSessionId: String?
    public var parentSeq: Int?

    /// Creates a session value; ``Ledger/createSession(id:tenant:metadata:)`` stores one.
    public init(
        id: String, tenant: String? = nil, metadata: [String: JSONValue] = [:], createdAt: Date,
        parentSessionId: String? = nil, parentSeq: Int? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.metadata = metadata
        self.createdAt = createdAt
        self.parentSessionId = parentSessionId
        self.parentSeq = parentSeq
    }
}
