import Foundation

/// An API key of the HTTP service, as stored: never the key itself.
package struct APIKey: Sendable, Hashable, Codable {
    /// The public part of the key, shown in lists and logs.
    package var id: String
    /// The tenant whose sessions the key reaches.
    package var tenant: String
    package var name: String?
    package var createdAt: Date
    package var revokedAt: Date?

    package init(id: String, tenant: String, name: String?, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A key just created: `secret` is the whole key, shown this once and never stored.
package struct NewAPIKey: Sendable, Hashable, Codable {
    package var key: APIKey
    package var secret: String
}
