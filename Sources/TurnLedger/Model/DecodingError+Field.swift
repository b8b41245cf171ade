import Foundation

/// How the library names a decoding failure, shared (`package`) with the HTTP service and the CLI
/// so that they describe bad input in the same words.
extension DecodingError {
    /// The path of the field at fault, e.g. `tool_calls[0].function.arguments`; `root` when the
    /// whole value is at fault.
    package func fieldPath(root: String) -> String {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: path = []
        }
        guard !path.isEmpty else { return root }
        return path.reduce(into: "") { result, key in
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
    }

    /// What is wrong with that field, e.g. `is required`, `must be of type String`.
    public var reason: String {
        switch self {
        case .keyNotFound: "is required"
        case .typeMismatch(let type, _): "must be of type \(type)"
        case .valueNotFound(let type, _): "must be a \(type), not null"
        case .dataCorrupted(let context): context.debugDescription
        @unknown default: "is invalid"
        }
    }
}
