import Foundation

/// A JSON document as the context builder writes it: object keys keep the order they were
/// given, and `raw` embeds JSON text verbatim (provider-opaque data, tool arguments).
///
/// Its own serializer, not `JSONEncoder`, so that the same log gives the same bytes and
/// arguments such as `{"n": 1.50}` reach the provider exactly as the model wrote them.
enum JSONNode: Sendable {
    case null
    case bool(Bool)
    case string(String)
    case array([JSONNode])
    case object([(key: String, value: JSONNode)])
    /// JSON text known to be valid, written as it is.
    case raw(String)

    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var array: [JSONNode]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The serialized document, compact, as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The serialized document, compact, UTF-8.
    var bytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        write(to: &output)
        return output
    }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .null: output += "null".utf8
        case .bool(let value): output += (value ? "true" : "false").utf8
        case .string(let value): Self.writeString(value, to: &output)
        case .raw(let text): output += text.utf8
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Escapes `"`, `\\` and control characters (the short escapes where JSON has one, else
    /// `\u00xx`); every other byte, non-ASCII included, is copied, in runs. No array is made for
    /// an escape: tool arguments and results are full of quotes. The bytes are scanned eight at a
    /// time (a word at once), then one by one around a byte to escape.
    private static func writeString(_ value: String, to output: inout [UInt8]) {
        var value = value
        output.append(UInt8(ascii: "\""))
        value.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            var runStart = 0
            var index = 0
            while index < count {
                while index + 8 <= count,
                    !needsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                }
                guard index < count else { break }
                let byte = bytes[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<(index - 1)]))
                runStart = index
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    output.append(UInt8(ascii: "u"))
                    output.append(48)
                    output.append(48)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes of `word` is below 0x20, a quote or a backslash (exact for
    /// "any", the classic has-zero-byte and has-less-than tests on all lanes at once).
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        return ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | control) & highs != 0
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension JSONNode {
    /// `text` as an object when it is one, so it can be embedded verbatim; nil otherwise.
    static func object(fromJSON text: String) -> JSONNode? {
        guard let data = text.data(using: .utf8),
            (try? JSONSerialization.jsonObject(with: data)) is [String: Any]
        else { return nil }
        return .raw(text)
    }

    /// Whether `text` is one valid JSON value.
    static func isValidJSON(_ text: String) -> Bool {
        guard let data = text.data(using: .utf8) else { return false }
        return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
    }
}
