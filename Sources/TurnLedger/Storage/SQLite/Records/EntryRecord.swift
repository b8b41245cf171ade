import Foundation
import GRDB

/// A row of `entry`: a system, developer, user or assistant message of the log.
struct EntryRecord: PositionalRecord {
    static let databaseTableName = "entry"
    static let columnNames = [
        "sessionKey", "seq", "role", "parts", "callCount", "idempotencyKey", "createdAt", "summaryFrom", "summaryTo",
        "rewindTo",
    ]

    var sessionKey: Int64
    var seq: Int
    var role: Role
    var parts: String  // PartsCodec text
    /// How many tool calls this assistant entry made; their results take the next seqs.
    var callCount: Int
    var idempotencyKey: String?
    var createdAt: Date
    /// For a summary entry: the first and last seq it stands in for.
    var summaryFrom: Int?
    var summaryTo: Int?
    /// For a rewind marker: the seq whose history the session reads again after it.
    var rewindTo: Int?

    init(
        sessionKey: Int64, seq: Int, role: Role, parts: String, callCount: Int, idempotencyKey: String?,
        createdAt: Date, summaryFrom: Int? = nil, summaryTo: Int? = nil, rewindTo: Int? = nil
    ) {
        self.sessionKey = sessionKey
        self.seq = seq
        self.role = role
        self.parts = parts
        self.callCount = callCount
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
        self.summaryFrom = summaryFrom
        self.summaryTo = summaryTo
        self.rewindTo = rewindTo
    }

    init(row: Row) throws {
        sessionKey = row[0]
        seq = row[1]
        role = try Role(rawValue: row[2]).orInvalidRow("role")
        parts = try row.text(at: 3)
        callCount = row[4]
        idempotencyKey = try row.optionalText(at: 5)
        createdAt = try Timestamp.parse(row[6]).orInvalidRow("createdAt")
        summaryFrom = row[7]
        summaryTo = row[8]
        rewindTo = row[9]
    }

    /// Inserts the row through one cached statement: GRDB's record insert builds its SQL on every call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO entry
                    (sessionKey, seq, role, parts, callCount, idempotencyKey, createdAt, summaryFrom, summaryTo, rewindTo)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            sessionKey, seq, role.rawValue, parts, callCount, idempotencyKey, Timestamp.format(createdAt), summaryFrom,
            summaryTo, rewindTo,
        ])
    }

    /// The entry of a row selected with ``selectedColumns``, read straight from the row: the read
    /// path of every context build.
    static func entry(_ row: CurrentRow, in sessionId: String) throws -> Entry {
        let summaryFrom = row.optionalInt(7)
        let summaryTo = row.optionalInt(8)
        return Entry(
            sessionId: sessionId,
            seq: row.int(1),
            role: try row.value(2, "role"),
            parts: try row.parts(3),
            createdAt: try row.date(6, "createdAt"),
            summarizes: summaryFrom.flatMap { from in summaryTo.map { from...$0 } },
            rewindsTo: row.optionalInt(9)
        )
    }

    func entry(calls: [ToolCall], in sessionId: String) throws -> Entry {
        Entry(
            sessionId: sessionId,
            seq: seq,
            role: role,
            parts: try PartsCodec.decode(parts),
            toolCalls: calls,
            createdAt: createdAt,
            summarizes: summaryFrom.flatMap { from in summaryTo.map { from...$0 } },
            rewindsTo: rewindTo
        )
    }
}

/// A column whose text the schema allows but the library cannot read: a row written by
/// another client in another form.
struct InvalidRow: Error, CustomStringConvertible {
    var column: String
    var description: String { "The database holds a value of \(column) this version cannot read." }
}

extension Optional {
    func orInvalidRow(_ column: String) throws -> Wrapped {
        guard let self else { throw InvalidRow(column: column) }
        return self
    }
}
