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
    var text: String {
        var output = JSONOutput(capacity: 256)
        write(to: &output)
        return output.text()
    }

    /// The serialized document, compact, UTF-8.
    var data: Data {
        var output = JSONOutput(capacity: 16_384)
        write(to: &output)
        return output.data()
    }

    private func write(to output: inout JSONOutput) {
        switch self {
        case .null: output.append("null")
        case .bool(let value): output.append(value ? "true" : "false")
        case .string(let value): Self.writeString(value, to: &output)
        case .raw(let text): output.append(text)
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

    /// Escapes `"`, `\` and control characters (the short escapes where JSON has one, else
    /// `\u00xx`); every other byte, non-ASCII included, is copied, in runs. Room for the worst
    /// case (six bytes for each) is made once, so no byte written checks the buffer. The next
    /// byte to escape is found eight bytes at a time (``JSONByteScan``).
    private static func writeString(_ value: String, to output: inout JSONOutput) {
        var value = value
        value.withUTF8 { bytes in
            output.reserve(bytes.count * 6 + 2)
            output.appendReserved(UInt8(ascii: "\""))
            var runStart = 0
            var index = 0
            while true {
                index = JSONByteScan.nextEscape(in: bytes, from: index)
                guard index < bytes.count else { break }
                output.appendReserved(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                writeEscape(bytes[index], to: &output)
                index += 1
                runStart = index
            }
            output.appendReserved(UnsafeBufferPointer(rebasing: bytes[runStart...]))
            output.appendReserved(UInt8(ascii: "\""))
        }
    }

    @inline(__always)
    private static func writeEscape(_ byte: UInt8, to output: inout JSONOutput) {
        output.appendReserved(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.appendReserved(byte)
        case 0x0A: output.appendReserved(UInt8(ascii: "n"))
        case 0x0D: output.appendReserved(UInt8(ascii: "r"))
        case 0x09: output.appendReserved(UInt8(ascii: "t"))
        case 0x08: output.appendReserved(UInt8(ascii: "b"))
        case 0x0C: output.appendReserved(UInt8(ascii: "f"))
        default:
            output.appendReserved(UInt8(ascii: "u"))
            output.appendReserved(48)
            output.appendReserved(48)
            output.appendReserved(hexDigits[Int(byte >> 4)])
            output.appendReserved(hexDigits[Int(byte & 0xF)])
        }
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
