import Foundation

/// An API key of the HTTP service, as stored: never the key itself.
public struct APIKey: Sendable, Hashable, Codable {
    /// The public part of the key, shown in lists and logs.
    public var id: String
    /// The tenant whose sessions the key reaches.
    public var tenant: String
    public var name: String?
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, tenant: String, name: String?, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A key just created: `secret` is the whole key, shown this once and never stored.
public struct NewAPIKey: Sendable, Hashable, Codable {
    public var key: APIKey
    public var secret: String
}
