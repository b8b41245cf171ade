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
        var hasCode = false  // anything but blank space and comments since `start`
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "-") where Self.starts(bytes, at: index, with: "--"):
                index = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                continue
            case UInt8(ascii: "/") where Self.starts(bytes, at: index, with: "/*"):
                index = Self.endOfBlockComment(bytes, from: index)
                continue
            case UInt8(ascii: ";"):
                if hasCode { statements.append(Self.trimmed(bytes[start..<index])) }
                index += 1
                start = index
                hasCode = false
                continue
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                index = Self.endOfQuoted(bytes, from: index, quote: byte)
            case UInt8(ascii: "$") where index == 0 || !Self.isTagByte(bytes[index - 1]):  // not inside a name such as a$b
                index = Self.endOfDollarQuoted(bytes, from: index)
            default:
                index += 1
            }
            hasCode = hasCode || !Self.isBlank(byte)
        }
        if hasCode { statements.append(Self.trimmed(bytes[start...])) }
        self.statements = statements
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
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
}
