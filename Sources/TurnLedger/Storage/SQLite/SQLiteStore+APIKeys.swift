import Foundation
import GRDB

/// API keys on SQLite: only their SHA-256 is stored.
extension SQLiteStore {
    func insertAPIKey(_ key: APIKey, hash: Data) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO apiKey (id, tenant, name, hash, createdAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.tenant, key.name, hash, Timestamp.format(key.createdAt)])
        }
    }

    func apiKeys() async throws -> [APIKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.apiKeyColumns) FROM apiKey ORDER BY createdAt, id").map(
                Self.apiKey)
        }
    }

    func revokeAPIKey(id: String, at revokedAt: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE apiKey SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL",
                arguments: [Timestamp.format(revokedAt), id])
            return db.changesCount > 0
        }
    }

    func hasActiveAPIKeys() async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM apiKey WHERE revokedAt IS NULL)") ?? false
        }
    }

    func activeAPIKey(id: String) async throws -> (APIKey, Data)? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.apiKeyColumns), hash FROM apiKey WHERE id = ? AND revokedAt IS NULL",
                    arguments: [id])
            else { return nil }
            return (try Self.apiKey(row), row[5] as Data)
        }
    }

    private static let apiKeyColumns = "id, tenant, name, createdAt, revokedAt"

    /// A key from a row that starts with ``apiKeyColumns``.
    private static func apiKey(_ row: Row) throws -> APIKey {
        APIKey(
            id: try row.text(at: 0), tenant: try row.text(at: 1), name: try row.optionalText(at: 2),
            createdAt: try Timestamp.parse(row[3]).orInvalidRow("createdAt"),
            revokedAt: (row[4] as String?).flatMap(Timestamp.parse))
    }
}
