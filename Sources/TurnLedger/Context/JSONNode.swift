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
    /// an escape: tool arguments and results are full of quotes.
    private static func writeString(_ value: String, to output: inout [UInt8]) {
        var value = value
        output.append(UInt8(ascii: "\""))
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
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
