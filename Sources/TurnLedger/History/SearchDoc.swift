import GRDB

/// One searchable text of the log: a message's text, a call's arguments, or a result's text.
struct SearchDoc {
    enum Kind: String { case message, arguments, result }

    var sessionId: String
    var seq: Int
    var kind: Kind
    var role: String
    var toolName: String?
    var text: String

    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO searchDoc (sessionId, seq, kind, role, toolName, body) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [sessionId, seq, kind.rawValue, role, toolName, SearchText.indexed(text)])
    }
}

extension [SearchDoc] {
    /// One document holding the text parts of `parts`, or none when they hold no text.
    init(text parts: [ContentPart], sessionId: String, seq: Int, kind: SearchDoc.Kind, role: String) {
        let text = parts.compactMap { part -> String? in
            if case .text(let text) = part { text } else { nil }
        }.joined(separator: "\n")
        self = text.isEmpty ? [] : [SearchDoc(sessionId: sessionId, seq: seq, kind: kind, role: role, text: text)]
    }
}
