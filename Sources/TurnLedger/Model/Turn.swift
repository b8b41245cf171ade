import Foundation

/// An assistant message with tool calls and the results recorded for them so far.
///
/// While the turn is open it lives in the staging area; once committed, its entry is at
/// `seq` and the result of the call at position `p` is at `seq + 1 + p`.
public struct Turn: Sendable, Hashable, Codable {
    public var sessionId: String
    /// The seq the assistant entry takes (or took) in the log.
    public var seq: Int
    public var parts: [ContentPart]
    public var calls: [ToolCall]
    /// The results recorded so far, in call order.
    public var results: [ToolResult]
    /// When the turn was opened: the assistant entry's `createdAt` once committed.
    public var openedAt: Date
    /// Whether the turn is in the log (`true`) or still in the staging area.
    public var isCommitted: Bool
    /// The tokens the model call that made this turn used, when the caller recorded them.
    public var usage: TokenUsage?

    /// Creates a turn value; ``Ledger`` returns the real ones.
    public init(
        sessionId: String,
        seq: Int,
        parts: [ContentPart],
        calls: [ToolCall],
        results: [ToolResult],
        openedAt: Date,
        isCommitted: Bool,
        usage: TokenUsage? = nil
    ) {
        self.sessionId = sessionId
        self.seq = seq
        self.parts = parts
        self.calls = calls
        self.results = results
        self.openedAt = openedAt
        self.isCommitted = isCommitted
        self.usage = usage
    }

    /// The ids of the calls that have no result yet, in call order.
    public var unansweredCallIds: [String] {
        let answered = Set(results.map(\.callId))
        return calls.map(\.id).filter { !answered.contains($0) }
    }
}
