/// A migration file cut into its statements.
///
/// postgres-nio speaks PostgreSQL's extended query protocol, which takes one statement at a
/// time, so a migration runs statement by statement (in one transaction). A statement ends at a
/// `;` outside a string literal (`'…'`, `''` inside), a quoted identifier (`"…"`), a
/// dollar-quoted body (`$$…$$`, `$tag$…$tag$`: function bodies) and a comment (`-- …`,
/// `/* … */`, nested). Comments stay in the statement's text; blank statements are dropped.
struct SQLScript {
    var statements: [String]

    init(_ text: String) {
        let bytes = Array(text.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        func flush(upTo end: Int) {
            let statement = String(decoding: bytes[start..<end], as: UTF8.self)
            if Self.hasCode(statement) { statements.append(statement.trimmingWhitespace) }
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                index = Self.endOfQuoted(bytes, from: index, quote: bytes[index])
            case UInt8(ascii: "-") where Self.starts(bytes, at: index, with: "--"):
                index = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            case UInt8(ascii: "/") where Self.starts(bytes, at: index, with: "/*"):
                index = Self.endOfBlockComment(bytes, from: index)
            case UInt8(ascii: "$"):
                index = Self.endOfDollarQuoted(bytes, from: index)
            case UInt8(ascii: ";"):
                flush(upTo: index)
                index += 1
                start = index
            default:
                index += 1
            }
        }
        flush(upTo: bytes.count)
        self.statements = statements
    }

    private static func starts(_ bytes: [UInt8], at index: Int, with prefix: String) -> Bool {
        bytes[index...].starts(with: prefix.utf8)
    }

    /// The index after a quoted string or identifier opened at `start`; a doubled quote is part of it.
    private static func endOfQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == quote {
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return index
    }

    /// The index after a block comment opened at `start`; PostgreSQL's block comments nest.
    private static func endOfBlockComment(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            if starts(bytes, at: index, with: "/*") {
                depth += 1
                index += 2
            } else if starts(bytes, at: index, with: "*/") {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return index
    }

    /// The index after a dollar-quoted string opened at `start` (`$$` or `$tag$`), or after the
    /// `$` when it opens none (a parameter such as `$1`).
    private static func endOfDollarQuoted(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count, isTagByte(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "$"),
            index == start + 1 || !isDigit(bytes[start + 1])
        else { return start + 1 }
        let tag = bytes[start...index]
        var search = index + 1
        while search < bytes.count {
            if bytes[search...].starts(with: tag) { return search + tag.count }
            search += 1
        }
        return bytes.count
    }

    private static func isTagByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
            || byte >= 0x80
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Whether a statement holds anything but whitespace and comments.
    private static func hasCode(_ statement: String) -> Bool {
        var rest = Substring(statement)
        while let first = rest.first {
            if first.isWhitespace {
                rest = rest.dropFirst()
            } else if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                let end = endOfBlockComment(Array(rest.utf8), from: 0)
                rest = Substring(String(decoding: Array(rest.utf8)[end...], as: UTF8.self))
            } else {
                return true
            }
        }
        return false
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
