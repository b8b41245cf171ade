/// The lines of a TurnLedger export (docs/export-format.md): JSON Lines, one object per line,
/// each with a `type`. Stored JSON texts (parts, metadata, usage) travel as strings holding
/// their exact text, and timestamps as the stored text, so an import rebuilds the same bytes.
enum ExportLine {
    static let format = "turnledger-export"
    static let version = 1

    struct Header: Codable {
        var type = "header"
        var format: String
        var version: Int
    }

    struct Kind: Decodable {
        var type: String
    }

    struct Parent: Codable {
        var session: String
        var seq: Int
    }

    struct Session: Codable {
        var type = "session"
        var id: String
        var tenant: String?
        var metadata: String
        var createdAt: String
        var lastActivityAt: String
        var parent: Parent?
    }

    struct Call: Codable {
        var id: String
        var name: String
        var arguments: String
    }

    struct Entry: Codable {
        var type = "entry"
        var session: String
        var seq: Int
        var role: String
        var parts: String
        var createdAt: String
        var idempotencyKey: String?
        var summarizes: [Int]?
        var calls: [Call]
        var usage: TokenUsage?
        /// For a rewind marker: the seq the history goes back to (absent otherwise).
        var rewindTo: Int?
        /// The entry's hash in its session's chain, hex: an import recomputes and compares it.
        var hash: String
    }

    struct Result: Codable {
        var type = "result"
        var session: String
        var seq: Int
        var callId: String
        var outcome: String
        var parts: String
        var recordedAt: String
        var hash: String
    }

    struct StagedResult: Codable {
        var position: Int
        var outcome: String
        var parts: String
        var recordedAt: String
    }

    struct OpenTurn: Codable {
        var type = "openTurn"
        var session: String
        var seq: Int
        var parts: String
        var openedAt: String
        var idempotencyKey: String?
        var usage: TokenUsage?
        var calls: [Call]
        var results: [StagedResult]
    }

    struct Purge: Codable {
        var type = "purge"
        var session: String
        var tenant: String?
        var requestedBy: String
        var reason: String
        var purgedAt: String
        var rowCount: Int
    }

    struct End: Codable {
        var type = "end"
        var sessions: Int
        var lines: Int
    }
}
