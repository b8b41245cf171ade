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

    /// The serialized document, compact, UTF-8.
    var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .string(let value): Self.writeString(value, to: &output)
        case .raw(let text): output += text
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
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
