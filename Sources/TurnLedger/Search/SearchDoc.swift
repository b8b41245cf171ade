/// Where one searchable text of the log is: a message's text, a call's arguments, or a result's
/// text. The text itself stays in the log; the view `searchSource` reads it through
/// ``SearchText/bodyFunction`` (docs/schema.md, "Search").
struct SearchDoc {
    enum Kind: String { case message, arguments, result }

    var sessionKey: Int64
    var seq: Int
    var kind: Kind
    var role: String
    var toolName: String?
    /// The call's position in its turn, for arguments and results.
    var position: Int?
    /// The text, to leave out documents with none.
    var text: String
}

extension [SearchDoc] {
    /// One document holding the text parts of `parts`, or none when they hold no text.
    init(
        text parts: [ContentPart], sessionKey: Int64, seq: Int, kind: SearchDoc.Kind, role: String,
        position: Int? = nil
    ) {
        let text = SearchText.searchable(parts)
        self =
            text.isEmpty
            ? [] : [SearchDoc(sessionKey: sessionKey, seq: seq, kind: kind, role: role, position: position, text: text)]
    }
}
