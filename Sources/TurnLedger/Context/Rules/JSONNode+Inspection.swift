import Foundation

/// What the provider checks need of a body: they read the tree the renderer built, and look
/// inside verbatim (`raw`) data, which may be any JSON, only where a rule needs it.
extension JSONNode {
    /// A tree for JSON text, or nil when it is not JSON. Numbers stay verbatim (`raw`).
    init?(parsing text: String) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
        self.init(value)
    }

    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let bool): self = .bool(bool)
        case .number(let number): self = .raw("\(number)")
        case .string(let string): self = .string(string)
        case .array(let array): self = .array(array.map(JSONNode.init))
        case .object(let object): self = .object(object.sorted { $0.key < $1.key }.map { ($0.key, JSONNode($0.value)) })
        }
    }

    /// The node with verbatim JSON text parsed into a tree.
    var resolved: JSONNode {
        guard case .raw(let text) = self else { return self }
        return JSONNode(parsing: text) ?? self
    }

    /// The JSON type, as the providers' messages name it.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .raw(let text):
            switch text.utf8.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            case UInt8(ascii: "{"): "object"
            case UInt8(ascii: "["): "array"
            case UInt8(ascii: "\""): "string"
            case UInt8(ascii: "t"), UInt8(ascii: "f"): "boolean"
            case UInt8(ascii: "n"): "null"
            default: "number"
            }
        }
    }

    /// Whether the member is there at all (a JSON `null` counts as there).
    func has(_ key: String) -> Bool {
        guard case .object(let members) = resolved else { return false }
        return members.contains { $0.key == key }
    }

    /// A non-empty string, or nil.
    var nonEmptyString: String? {
        guard let string, !string.isEmpty else { return nil }
        return string
    }
}
