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
    /// For a summary entry: the first and last seq it stands in for.
    var summaryFrom: Int?
    var summaryTo: Int?

    func entry(calls: [ToolCall]) throws -> Entry {
        Entry(
            sessionId: sessionId,
            seq: seq,
            role: role,
            parts: try JSONColumn.decode([ContentPart].self, from: parts),
            toolCalls: calls,
            createdAt: createdAt,
            summarizes: summaryFrom.flatMap { from in summaryTo.map { from...$0 } }
        )
    }
}

extension Role: DatabaseValueConvertible {}
extension ToolOutcome: DatabaseValueConvertible {}
