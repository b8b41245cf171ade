/// A fast reader for the one JSON shape the ledger writes in its `parts` columns: an array of
/// objects whose values are all strings. Anything else gives nil, and the caller falls back to
/// `JSONDecoder`; `JSONDecoder` costs more than the rest of reading an entry.
enum FlatJSON {
    static func arrayOfStringObjects(_ text: String) -> [[String: String]]? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.arrayOfObjects()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func arrayOfObjects() -> [[String: String]]? {
            guard consume(UInt8(ascii: "[")) else { return nil }
            var objects: [[String: String]] = []
            if consume(UInt8(ascii: "]")) { return finished(objects) }
            repeat {
                guard let object = object() else { return nil }
                objects.append(object)
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "]")) else { return nil }
            return finished(objects)
        }

        mutating func finished(_ objects: [[String: String]]) -> [[String: String]]? {
            skipSpace()
            return index == bytes.count ? objects : nil
        }

        mutating func object() -> [String: String]? {
            guard consume(UInt8(ascii: "{")) else { return nil }
            var object: [String: String] = [:]
            if consume(UInt8(ascii: "}")) { return object }
            repeat {
                guard let key = string(), consume(UInt8(ascii: ":")), let value = string() else { return nil }
                object[key] = value
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}")) ? object : nil
        }

        mutating func string() -> String? {
            guard consume(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                index += 1
            }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            var unescaped = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            return escapedRest(into: &unescaped)
        }

        /// The rest of a string that has escapes, from its first backslash, unescaped into bytes.
        mutating func escapedRest(into output: inout [UInt8]) -> String? {
            while index < bytes.count {
                let byte = bytes[index]
                if byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    let start = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                        index += 1
                    }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    continue
                }
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: output, as: UTF8.self) }
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by \u and a low one.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { return nil }
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    output += UTF8.encode(scalar)!
                default: return nil
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 48...57: digit = byte - 48
                case 65...70: digit = byte - 55
                case 97...102: digit = byte - 87
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }
    }
}
