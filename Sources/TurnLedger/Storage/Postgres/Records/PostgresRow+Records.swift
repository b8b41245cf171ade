import Foundation
import PostgresNIO

// The ledger's records read from PostgreSQL rows. Each `postgresColumns` is the select list its
// initializer reads, in order: `json` columns are selected as text, the bytes they were written with;
// a call's id, name and arguments are `bytea`, their UTF-8 bytes (a model's text may hold a NUL).

extension EntryRecord {
    static let postgresColumns =
        "sessionKey, seq, role, parts::text, callCount, idempotencyKey, createdAt, summaryFrom, summaryTo, rewindTo"

    init(_ row: PostgresRow) throws {
        let (sessionKey, seq, role, parts, callCount, idempotencyKey, createdAt, summaryFrom, summaryTo, rewindTo) =
            try row.decode((Int64, Int, String, String, Int, String?, String, Int?, Int?, Int?).self)
        self.init(
            sessionKey: sessionKey, seq: seq, role: try Role(rawValue: role).orInvalidRow("role"), parts: parts,
            callCount: callCount, idempotencyKey: idempotencyKey,
            createdAt: try Timestamp.parse(createdAt).orInvalidRow("createdAt"), summaryFrom: summaryFrom,
            summaryTo: summaryTo, rewindTo: rewindTo)
    }
}

extension ToolCallRecord {
    static let postgresColumns = "sessionKey, turnSeq, position, callId, name, arguments"

    init(_ row: PostgresRow) throws {
        let (sessionKey, turnSeq, position, callId, name, arguments) =
            try row.decode((Int64, Int, Int, Data, Data, Data).self)
        self.init(
            sessionKey: sessionKey, turnSeq: turnSeq, position: position, callId: String(decoding: callId, as: UTF8.self),
            name: String(decoding: name, as: UTF8.self), arguments: String(decoding: arguments, as: UTF8.self))
    }
}

extension ToolResultRecord {
    static let postgresColumns = "sessionKey, turnSeq, position, callId, outcome, parts::text, recordedAt"

    init(_ row: PostgresRow) throws {
        let (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt) =
            try row.decode((Int64, Int, Int, Data, String, String, String).self)
        self.init(
            sessionKey: sessionKey, turnSeq: turnSeq, position: position, callId: String(decoding: callId, as: UTF8.self),
            outcome: try ToolOutcome(rawValue: outcome).orInvalidRow("outcome"), parts: parts,
            recordedAt: try Timestamp.parse(recordedAt).orInvalidRow("recordedAt"))
    }
}

extension OpenTurnRecord {
    static let postgresColumns = "sessionKey, seq, parts::text, callCount, idempotencyKey, openedAt, usage::text"

    init(_ row: PostgresRow) throws {
        let (sessionKey, seq, parts, callCount, idempotencyKey, openedAt, usage) =
            try row.decode((Int64, Int, String, Int, String?, String, String?).self)
        self.init(
            sessionKey: sessionKey, seq: seq, parts: parts, callCount: callCount, idempotencyKey: idempotencyKey,
            openedAt: try Timestamp.parse(openedAt).orInvalidRow("openedAt"), usage: usage)
    }
}

extension OpenCallRecord {
    static let postgresColumns = "sessionKey, position, callId, name, arguments"

    init(_ row: PostgresRow) throws {
        let (sessionKey, position, callId, name, arguments) = try row.decode((Int64, Int, Data, Data, Data).self)
        self.init(
            sessionKey: sessionKey, position: position, callId: String(decoding: callId, as: UTF8.self),
            name: String(decoding: name, as: UTF8.self), arguments: String(decoding: arguments, as: UTF8.self))
    }
}

extension OpenResultRecord {
    static let postgresColumns = "sessionKey, position, outcome, parts::text, recordedAt"

    init(_ row: PostgresRow) throws {
        let (sessionKey, position, outcome, parts, recordedAt) = try row.decode((Int64, Int, String, String, String).self)
        self.init(
            sessionKey: sessionKey, position: position, outcome: try ToolOutcome(rawValue: outcome).orInvalidRow("outcome"),
            parts: parts, recordedAt: try Timestamp.parse(recordedAt).orInvalidRow("recordedAt"))
    }
}

extension UsageRecord {
    /// ``selectedColumns``: the seq, then the usage.
    static func usage(_ row: PostgresRow) throws -> (seq: Int, usage: TokenUsage) {
        let (seq, model, input, output, cached, reasoning) = try row.decode((Int, String?, Int?, Int?, Int?, Int?).self)
        return (
            seq,
            TokenUsage(
                model: model, inputTokens: input, outputTokens: output, cachedTokens: cached, reasoningTokens: reasoning)
        )
    }
}

extension String {
    /// The UTF-8 bytes of a call's id, name or arguments, as PostgreSQL stores them (`bytea`).
    var postgresBytes: Data { Data(utf8) }

    /// The text as a PostgreSQL `text` value, which holds no NUL: for search rows only, never for
    /// what the log stores.
    var withoutNUL: String { contains("\u{0}") ? replacingOccurrences(of: "\u{0}", with: " ") : self }
}
