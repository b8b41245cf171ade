/// A fast reader for the one shape the ledger writes in its `parts` columns (PartsCodec): an
/// array of objects with the string keys `type`, `text`, `url`, `provider`, `json`. Anything else
/// gives nil and the caller falls back to `JSONDecoder`, which costs more than the rest of reading
/// an entry.
enum PartsReader {
    static func parts(_ text: String) -> [ContentPart]? {
        var text = text
        return text.withUTF8 { bytes in parts(bytes: bytes) }
    }

    /// Reads the column's bytes as they are, so no `String` is made of the whole column.
    static func parts(bytes: UnsafeBufferPointer<UInt8>) -> [ContentPart]? {
        var reader = Reader(bytes: bytes)
        return reader.parts()
    }

    private enum Key {
        case type, text, url, provider, json
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func parts() -> [ContentPart]? {
            guard consume(UInt8(ascii: "[")) else { return nil }
            var parts: [ContentPart] = []
            if !consume(UInt8(ascii: "]")) {
                repeat {
                    guard let part = part() else { return nil }
                    parts.append(part)
                } while consume(UInt8(ascii: ","))
                guard consume(UInt8(ascii: "]")) else { return nil }
            }
            skipSpace()
            return index == bytes.count ? parts : nil
        }

        mutating func part() -> ContentPart? {
            guard consume(UInt8(ascii: "{")) else { return nil }
            var type: String?
            var text: String?
            var url: String?
            var provider: String?
            var json: String?
            if !consume(UInt8(ascii: "}")) {
                repeat {
                    guard let key = key(), consume(UInt8(ascii: ":")), let value = string() else { return nil }
                    switch key {
                    case .type: type = value
                    case .text: text = value
                    case .url: url = value
                    case .provider: provider = value
                    case .json: json = value
                    }
                } while consume(UInt8(ascii: ","))
                guard consume(UInt8(ascii: "}")) else { return nil }
            }
            switch type {
            case "text": return text.map(ContentPart.text)
            case "image": return url.map { .image(url: $0) }
            case "opaque":
                guard let provider, let json else { return nil }
                return .opaque(provider: provider, json: json)
            default: return nil
            }
        }

        /// A key with no escapes, matched by its bytes: no `String` is made for it.
        mutating func key() -> Key? {
            guard consume(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            for (key, spelling) in Self.keys where name.elementsEqual(spelling) {
                return key
            }
            return nil
        }

        static let keys: [(Key, [UInt8])] = [
            (.type, Array("type".utf8)), (.text, Array("text".utf8)), (.url, Array("url".utf8)),
            (.provider, Array("provider".utf8)), (.json, Array("json".utf8)),
        ]

        /// A string value. One with escapes is unescaped straight into the new string's storage,
        /// sized by its escaped length (unescaping never lengthens it).
        mutating func string() -> String? {
            guard consume(JSONByteScan.quote) else { return nil }
            let start = index
            index = JSONByteScan.nextQuoteOrBackslash(in: bytes, from: index)
            guard index < bytes.count else { return nil }
            if bytes[index] == JSONByteScan.quote {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            guard let end = closingQuote(from: index) else { return nil }
            var valid = true
            let text = String(unsafeUninitializedCapacity: end - start) { output in
                let plain = UnsafeBufferPointer(rebasing: bytes[start..<index])
                _ = output.initialize(fromContentsOf: plain)
                var written = plain.count
                valid = unescape(until: end, into: output, at: &written)
                return valid ? written : 0
            }
            index = end + 1
            return valid ? text : nil
        }

        /// The index of the quote that closes the string, from a byte inside it.
        func closingQuote(from start: Int) -> Int? {
            var index = start
            while true {
                index = JSONByteScan.nextQuoteOrBackslash(in: bytes, from: index)
                guard index < bytes.count else { return nil }
                if bytes[index] == JSONByteScan.quote { return index }
                index += 2
            }
        }

        /// Unescapes the bytes up to `end`, from the first backslash, into `output` after
        /// `written` bytes; false for an escape JSON does not have.
        mutating func unescape(until end: Int, into output: UnsafeMutableBufferPointer<UInt8>, at written: inout Int)
            -> Bool
        {
            func put(_ byte: UInt8) {
                output[written] = byte
                written += 1
            }
            while index < end {
                let next = JSONByteScan.nextQuoteOrBackslash(in: UnsafeBufferPointer(rebasing: bytes[..<end]), from: index)
                if next > index {
                    let run = UnsafeBufferPointer(rebasing: bytes[index..<next])
                    _ = UnsafeMutableBufferPointer(rebasing: output[written...]).initialize(fromContentsOf: run)
                    written += run.count
                    index = next
                    continue
                }
                // bytes[index] is a backslash: a quote inside the string is always escaped.
                guard index + 1 < end else { return false }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case JSONByteScan.quote, JSONByteScan.backslash, UInt8(ascii: "/"): put(escape)
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return false }
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by \u and a low one.
                        guard index + 1 < end, bytes[index] == JSONByteScan.backslash,
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { return false }
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return false }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code), let encoded = UTF8.encode(scalar) else { return false }
                    encoded.forEach(put)
                default: return false
                }
            }
            return true
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
