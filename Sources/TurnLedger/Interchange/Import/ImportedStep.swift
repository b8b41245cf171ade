/// One step of a history being imported, already paired: a message, or a whole turn.
enum ImportedStep {
    case message(role: Role, parts: [ContentPart])
    /// An assistant message with calls, and one result per call in call order.
    case turn(parts: [ContentPart], calls: [ToolCall], results: [(outcome: ToolOutcome, parts: [ContentPart])])
}
