import Foundation

/// One conversation.
public struct Session: Sendable, Hashable, Codable {
    public var id: String
    public var tenant: String?
    /// A JSON object, free for the caller.
    public var metadata: [String: JSONValue]
    public var createdAt: Date

    /// Creates a session value; ``Ledger/createSession(id:tenant:metadata:)`` stores one.
    public init(id: String, tenant: String? = nil, metadata: [String: JSONValue] = [:], createdAt: Date) {
        self.id = id
        self.tenant = tenant
        self.metadata = metadata
        self.createdAt = createdAt
    }
}
