import Crypto
import Foundation

extension Ledger {
    /// Creates an API key for `tenant`. The returned `secret` (`tlk_<12 hex id>_<64 hex>`) is the only
    /// copy: the store keeps its SHA-256.
    package func createAPIKey(tenant: String, name: String? = nil) async throws -> NewAPIKey {
        try configuration.checkIdentifier(tenant, field: "tenant")
        if let name { try configuration.checkIdentifier(name, field: "name") }
        let id = Self.randomToken(bytes: 6)
        let secret = "tlk_\(id)_\(Self.randomToken(bytes: 32))"
        let key = APIKey(id: id, tenant: tenant, name: name, createdAt: Timestamp.now(), revokedAt: nil)
        try await store.insertAPIKey(key, hash: Self.digest(secret))
        return NewAPIKey(key: key, secret: secret)
    }

    /// Every API key, revoked ones included, oldest first.
    package func apiKeys() async throws -> [APIKey] {
        try await store.apiKeys()
    }

    /// Revokes a key: it stops working at once.
    ///
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` for an unknown or revoked key.
    package func revokeAPIKey(id: String) async throws {
        guard try await store.revokeAPIKey(id: id, at: Timestamp.now()) else {
            throw LedgerError.invalidInput(field: "id", reason: "no active API key '\(id)'")
        }
    }

    /// Whether any key is active: without one, the service runs open (for the service and the CLI).
    package func hasActiveAPIKeys() async throws -> Bool {
        try await store.hasActiveAPIKeys()
    }

    /// The active key whose secret this is (its id and tenant), or nil. The stored hash is
    /// compared in constant time.
    package func apiKey(forSecret secret: String) async throws -> APIKey? {
        let parts = secret.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "tlk" else { return nil }
        let id = String(parts[1])
        let presented = Self.digest(secret)
        guard let (key, stored) = try await store.activeAPIKey(id: id) else { return nil }
        return Self.constantTimeEqual(stored, presented) ? key : nil
    }

    static func digest(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// Random bytes from the system's secure generator, as hex.
    static func randomToken(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
