/// A tool call as the model produced it.
///
/// `arguments` is kept byte for byte, even when it is not valid JSON: what the model said is
/// data, and a renderer decides later how to send it back.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The provider's call id, e.g. `call_QzOp1AlcssaIq18co1gngSe8`. Unique within its turn only.
    public var id: String
    public var name: String
    public var arguments: String

    /// Creates a call as the provider returned it.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}
