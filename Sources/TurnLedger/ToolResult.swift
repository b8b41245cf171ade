import Foundation

/// The answer to one tool call.
public struct ToolResult: Sendable, Hashable, Codable {
    public var callId: String
    public var outcome: ToolOutcome
    public var parts: [ContentPart]
    public var recordedAt: Date

    public init(callId: String, outcome: ToolOutcome, parts: [ContentPart], recordedAt: Date) {
        self.callId = callId
        self.outcome = outcome
        self.parts = parts
        self.recordedAt = recordedAt
    }
}
