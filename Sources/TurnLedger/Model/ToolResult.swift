import Foundation

/// The answer to one tool call.
public struct ToolResult: Sendable, Hashable, Codable {
    public var callId: String
    public var outcome: ToolOutcome
    public var parts: [ContentPart]
    /// When the result was recorded: the end of the call, for timing tools.
    public var recordedAt: Date

    /// Creates a result value; ``Ledger`` returns the real ones.
    public init(callId: String, outcome: ToolOutcome, parts: [ContentPart], recordedAt: Date) {
        self.callId = callId
        self.outcome = outcome
        self.parts = parts
        self.recordedAt = recordedAt
    }
}
