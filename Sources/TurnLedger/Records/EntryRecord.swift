import Foundation
import GRDB

/// A row of `entry`: a system, developer, user or assistant message of the log.
struct EntryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "entry"

    var sessionId: String
    var seq: Int
    var role: Role
    var parts: String  // a JSON array of ContentPart
    /// How many tool calls this assistant entry made; their results take the next seqs.
    var callCount: Int
    var idempotencyKey: String?
    var createdAt: Date

    func entry(calls: [ToolCall]) throws -> Entry {
        Entry(
            sessionId: sessionId,
            seq: seq,
            role: role,
            parts: try JSONColumn.decode([ContentPart].self, from: parts),
            toolCalls: calls,
            createdAt: createdAt
        )
    }
}

extension Role: DatabaseValueConvertible {}
extension ToolOutcome: DatabaseValueConvertible {}
