import Foundation

/// The text form the search index holds, and the FTS5 query of a user's words.
///
/// SQLite's `unicode61` tokenizer splits words at spaces and punctuation, which Chinese and
/// Japanese do not write, and Korean words carry particles. Each Han, Hiragana, Katakana and
/// Hangul character is therefore set apart with a ZERO WIDTH SPACE (a separator to the
/// tokenizer, invisible in a snippet) and becomes one token; a query for 東京 is the phrase
/// "東 京", which matches those characters next to each other.
enum SearchText {
    static let separator: Character = "\u{200B}"

    /// `text` with every CJK character set apart.
    static func indexed(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            // Every CJK range starts at U+3040 or above, whose UTF-8 lead byte is 0xE3 or more: most
            // texts are passed over in one scan of their bytes, and returned as they are.
            guard let first = firstCJK(in: bytes, from: 0) else { return nil }
            // Worst case: a three-byte character becomes nine bytes with its two separators.
            return String(unsafeUninitializedCapacity: bytes.count * 3) { out in
                var written = 0
                func append(_ source: UnsafeBufferPointer<UInt8>) {
                    _ = UnsafeMutableBufferPointer(rebasing: out[written...]).initialize(fromContentsOf: source)
                    written += source.count
                }
                var copied = 0
                var next: (start: Int, length: Int)? = first
                while let (start, length) = next {
                    append(UnsafeBufferPointer(rebasing: bytes[copied..<start]))  // none of them CJK
                    zeroWidthSpace.withUTF8Buffer(append)
                    append(UnsafeBufferPointer(rebasing: bytes[start..<start + length]))
                    zeroWidthSpace.withUTF8Buffer(append)
                    copied = start + length
                    next = firstCJK(in: bytes, from: copied)
                }
                append(UnsafeBufferPointer(rebasing: bytes[copied...]))
                return written
            }
        } ?? text
    }

    /// U+200B ZERO WIDTH SPACE.
    private static let zeroWidthSpace: StaticString = "\u{200B}"

    /// Where the first CJK character at or after `index` starts in valid UTF-8, and its length.
    private static func firstCJK(in bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> (start: Int, length: Int)? {
        var index = index
        while index < bytes.count {
            let lead = bytes[index]
            guard lead >= 0xE3 else {
                index += 1
                continue
            }
            let length = lead >= 0xF0 ? 4 : 3
            var value = UInt32(lead & (length == 4 ? 0x07 : 0x0F))
            for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
            if let scalar = Unicode.Scalar(value), isCJK(scalar) { return (index, length) }
            index += length
        }
        return nil
    }

    /// The text of `parts` that search sees: the text parts, one per line.
    static func searchable(_ parts: [ContentPart]) -> String {
        parts.compactMap { part -> String? in
            if case .text(let text) = part { text } else { nil }
        }.joined(separator: "\n")
    }

    /// A snippet of indexed text as the user wrote it.
    static func original(_ indexed: String) -> String {
        indexed.replacingOccurrences(of: "\u{200B}", with: "")
    }

    /// The FTS5 query matching every word of `words` (each one a phrase, so no word is read as
    /// FTS5 syntax), or nil when it holds no word.
    static func query(_ words: String) -> String? {
        let phrases = words.split(whereSeparator: \.isWhitespace).compactMap { word -> String? in
            let tokens = indexed(String(word))
                .split(whereSeparator: { $0 == separator })
                .map { $0.replacingOccurrences(of: "\"", with: "\"\"") }
                .filter { !$0.isEmpty }
            return tokens.isEmpty ? nil : "\"" + tokens.joined(separator: " ") + "\""
        }
        return phrases.isEmpty ? nil : phrases.joined(separator: " ")
    }

    /// The index token of a session's rows: `s` and its key, as the schema's generated column
    /// `searchDoc.scope` computes it.
    static func scope(_ sessionKey: Int64) -> String {
        "\"s\(sessionKey)\""
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF,  // Hiragana, Katakana
            0x31F0...0x31FF,  // Katakana phonetic extensions
            0x3400...0x4DBF,  // CJK extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xAC00...0xD7AF,  // Hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFF66...0xFF9F,  // halfwidth Katakana
            0x20000...0x3134F:  // CJK extensions B to G
            true
        default:
            false
        }
    }
}
