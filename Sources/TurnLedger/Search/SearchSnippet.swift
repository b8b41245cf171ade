import Foundation

/// A snippet of a searched text around its first match, the query's words highlighted: what a
/// PostgreSQL search shows (SQLite's FTS5 makes its own with `snippet()`).
enum SearchSnippet {
    /// At most this many words, as FTS5's snippet takes 16 tokens.
    static let words = 16

    static func make(_ text: String, matching terms: [String], open: String, close: String) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        let first = words.firstIndex { word in terms.contains { word.range(of: $0, options: .caseInsensitive) != nil } }
        let start = max(0, (first ?? 0) - 4)
        let end = min(words.count, start + Self.words)
        let shown = words[start..<end].map { word in highlight(String(word), terms, open, close) }
        return (start > 0 ? "…" : "") + shown.joined(separator: " ") + (end < words.count ? "…" : "")
    }

    /// `word` with each match of a term wrapped in `open` and `close`.
    private static func highlight(_ word: String, _ terms: [String], _ open: String, _ close: String) -> String {
        var out = ""
        var rest = word[...]
        while !rest.isEmpty {
            let matches = terms.compactMap { rest.range(of: $0, options: .caseInsensitive) }
            guard let match = matches.min(by: { $0.lowerBound < $1.lowerBound }) else { break }
            out += rest[..<match.lowerBound] + open + rest[match] + close
            rest = rest[match.upperBound...]
        }
        return out + rest
    }
}
