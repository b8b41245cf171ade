import Foundation
import PostgresNIO

/// API keys on PostgreSQL: the rows ``Ledger/createAPIKey(tenant:name:)`` and its siblings keep.
extension PostgresStore {
    static let apiKeyColumns = "id, tenant, name, createdAt, revokedAt"

    func insertAPIKey(_ key: APIKey, hash: Data) async throws {
        _ = try await write { connection in
            try await connection.rows(
                """
                INSERT INTO apiKey (id, tenant, name, hash, createdAt)
                VALUES (\(key.id), \(key.tenant), \(key.name), \(hash), \(Timestamp.format(key.createdAt)))
                """, logger: logger)
        }
    }

    func apiKeys() async throws -> [APIKey] {
        try await read { connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.apiKeyColumns) FROM apiKey ORDER BY createdAt, id", logger: logger
            ).map { try Self.apiKey($0.decode((String, String, String?, String, String?).self)) }
        }
    }

    /// Revokes an active key; false when there is none with this id.
    func revokeAPIKey(id: String, at revokedAt: Date) async throws -> Bool {
        try await write { connection in
            try await connection.firstRow(
                """
                UPDATE apiKey SET revokedAt = \(Timestamp.format(revokedAt))
                WHERE id = \(id) AND revokedAt IS NULL RETURNING id
                """, logger: logger) != nil
        }
    }

    func hasActiveAPIKeys() async throws -> Bool {
        try await read { connection in
            try await connection.firstRow("SELECT 1 FROM apiKey WHERE revokedAt IS NULL LIMIT 1", logger: logger) != nil
        }
    }

    /// The active key with this id and its stored hash, or nil.
    func activeAPIKey(id: String) async throws -> (APIKey, Data)? {
        guard !id.utf8.contains(0) else { return nil }
        return try await read { connection in
            guard
                let row = try await connection.firstRow(
                    "SELECT \(unescaped: Self.apiKeyColumns), hash FROM apiKey WHERE id = \(id) AND revokedAt IS NULL",
                    logger: logger)
            else { return nil }
            let (keyID, tenant, name, createdAt, revokedAt, hash) =
                try row.decode((String, String, String?, String, String?, Data).self)
            return (try Self.apiKey((keyID, tenant, name, createdAt, revokedAt)), hash)
        }
    }

    private static func apiKey(_ columns: (String, String, String?, String, String?)) throws -> APIKey {
        APIKey(
            id: columns.0, tenant: columns.1, name: columns.2,
            createdAt: try Timestamp.parse(columns.3).orInvalidRow("createdAt"),
            revokedAt: columns.4.flatMap(Timestamp.parse))
    }
}
