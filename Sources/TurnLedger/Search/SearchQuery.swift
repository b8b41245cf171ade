/// What to search for in the log, and where.
public struct SearchQuery: Sendable, Hashable {
    /// Words, all of which must appear (in any order); a word of Chinese or Japanese characters
    /// matches those characters in a row. Not FTS5 syntax: quotes and operators are plain text.
    public var text: String
    /// Only this session's history (a fork's inherited entries included).
    public var sessionId: String?
    /// Only this tenant's sessions.
    public var tenant: String?
    /// Only texts written in these roles (`tool` for results; a call's arguments are `assistant`).
    public var roles: Set<Role>
    /// Only the arguments and results of calls to this tool.
    public var toolName: String?
    /// At most this many hits, best first (1...1000).
    public var limit: Int
    /// Put around each match in the snippet.
    public var highlight: (open: String, close: String)

    public init(
        _ text: String,
        sessionId: String? = nil,
        tenant: String? = nil,
        roles: Set<Role> = [],
        toolName: String? = nil,
        limit: Int = 20,
        highlight: (open: String, close: String) = ("[", "]")
    ) {
        self.text = text
        self.sessionId = sessionId
        self.tenant = tenant
        self.roles = roles
        self.toolName = toolName
        self.limit = limit
        self.highlight = highlight
    }

    public static func == (lhs: SearchQuery, rhs: SearchQuery) -> Bool {
        lhs.text == rhs.text && lhs.sessionId == rhs.sessionId && lhs.tenant == rhs.tenant && lhs.roles == rhs.roles
            && lhs.toolName == rhs.toolName && lhs.limit == rhs.limit && lhs.highlight == rhs.highlight
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(sessionId)
        hasher.combine(limit)
    }
}

/// One text of the log that matches a search.
public struct SearchHit: Sendable, Hashable, Codable {
    /// What the text is: a message's text, a tool call's arguments, or a tool result.
    public enum Kind: String, Sendable, Hashable, Codable {
        case message, arguments, result
    }

    public var sessionId: String
    /// The seq of the message, of the assistant entry that made the call, or of the result.
    public var seq: Int
    public var kind: Kind
    public var role: Role
    public var toolName: String?
    /// The text around the matches, each match between the query's highlight marks.
    public var snippet: String
    /// FTS5's BM25 rank, lower is a better match; 0 within one session, whose hits come newest first.
    public var rank: Double

    public init(
        sessionId: String, seq: Int, kind: Kind, role: Role, toolName: String?, snippet: String, rank: Double
    ) {
        self.sessionId = sessionId
        self.seq = seq
        self.kind = kind
        self.role = role
        self.toolName = toolName
        self.snippet = snippet
        self.rank = rank
    }
}
