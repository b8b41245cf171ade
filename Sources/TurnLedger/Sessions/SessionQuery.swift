import Foundation

/// Which sessions to list, newest activity first, and which page.
public struct SessionQuery: Sendable, Hashable {
    /// Only this tenant's sessions.
    public var tenant: String?
    /// Only sessions whose metadata has each of these top-level keys with this value.
    public var metadata: [String: JSONValue]
    /// Only sessions active at or after this time.
    public var activeSince: Date?
    /// Only sessions whose last activity is before this time.
    public var activeBefore: Date?
    /// At most this many sessions per page (1...1000).
    public var limit: Int
    /// The `nextCursor` of the previous page; nil for the first page.
    public var cursor: String?

    public init(
        tenant: String? = nil,
        metadata: [String: JSONValue] = [:],
        activeSince: Date? = nil,
        activeBefore: Date? = nil,
        limit: Int = 50,
        cursor: String? = nil
    ) {
        self.tenant = tenant
        self.metadata = metadata
        self.activeSince = activeSince
        self.activeBefore = activeBefore
        self.limit = limit
        self.cursor = cursor
    }
}

/// A session with what a list of sessions shows about it.
public struct SessionSummary: Sendable, Hashable, Codable {
    public var session: Session
    /// The last seq of its history (inherited entries of a fork included); 0 when empty.
    public var lastSeq: Int
    /// Whether a turn is open (its calls are waiting for results).
    public var hasOpenTurn: Bool
    /// When the last entry was written, turn opened or result recorded.
    public var lastActivityAt: Date
    /// The token usage of its own entries.
    public var usage: UsageTotals

    public init(session: Session, lastSeq: Int, hasOpenTurn: Bool, lastActivityAt: Date, usage: UsageTotals) {
        self.session = session
        self.lastSeq = lastSeq
        self.hasOpenTurn = hasOpenTurn
        self.lastActivityAt = lastActivityAt
        self.usage = usage
    }
}

/// A page of sessions, newest activity first.
public struct SessionPage: Sendable, Hashable, Codable {
    public var sessions: [SessionSummary]
    /// The cursor of the next page; nil on the last page. Stable: sessions that become active
    /// meanwhile move to the front and are not repeated.
    public var nextCursor: String?

    public init(sessions: [SessionSummary], nextCursor: String?) {
        self.sessions = sessions
        self.nextCursor = nextCursor
    }
}

/// The position after which a page of sessions starts: the time the store orders sessions by and
/// a session id. On PostgreSQL that time is the last activity; on SQLite it is the listed activity
/// time, which orders sessions the same way (docs/schema.md, "Activity").
struct SessionCursor {
    var orderedBy: String
    var id: String

    var encoded: String {
        Data((orderedBy + "\n" + id).utf8).base64EncodedString()
    }

    init(orderedBy: String, id: String) {
        self.orderedBy = orderedBy
        self.id = id
    }

    init(_ encoded: String) throws {
        guard let data = Data(base64Encoded: encoded),
            let text = String(data: data, encoding: .utf8),
            let newline = text.firstIndex(of: "\n")
        else {
            throw LedgerError.invalidInput(field: "cursor", reason: "is not a cursor this store returned")
        }
        orderedBy = String(text[..<newline])
        id = String(text[text.index(after: newline)...])
    }
}
