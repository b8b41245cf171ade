import Foundation

/// One message of a session's committed log.
///
/// An assistant entry lists the tool calls it made; each call's result follows it as a
/// `tool` entry, in call order, whatever order the results arrived in.
public struct Entry: Sendable, Hashable, Codable {
    public var sessionId: String
    /// Dense from 1 in each session.
    public var seq: Int
    public var role: Role
    public var parts: [ContentPart]
    /// The calls an assistant entry made, in the order the model gave them.
    public var toolCalls: [ToolCall]
    /// For a `tool` entry: the call it answers.
    public var toolCallId: String?
    /// For a `tool` entry: how the call ended.
    public var outcome: ToolOutcome?
    /// When it was written: for an assistant entry with calls, when its turn was opened; for a
    /// `tool` entry, when the result was recorded.
    public var createdAt: Date
    /// For a summary entry (compaction): the seqs it stands in for. They stay in the log.
    public var summarizes: ClosedRange<Int>?
    /// For an assistant entry: the tokens its model call used, when the caller recorded them.
    public var usage: TokenUsage?
    /// For a rewind marker: the seq whose history the session reads again from here on (see
    /// ``Ledger/rewind(_:to:expectedSeq:idempotencyKey:discardingOpenTurn:)``). A marker has no
    /// content; it is part of the log (tails, exports, the hash chain), never of a history.
    public var rewindsTo: Int?

    /// Creates an entry value; entries in the log are written by ``Ledger`` only.
    public init(
        sessionId: String,
        seq: Int,
        role: Role,
        parts: [ContentPart],
        toolCalls: [ToolCall] = [],
        toolCallId: String? = nil,
        outcome: ToolOutcome? = nil,
        createdAt: Date,
        summarizes: ClosedRange<Int>? = nil,
        usage: TokenUsage? = nil,
        rewindsTo: Int? = nil
    ) {
        self.sessionId = sessionId
        self.seq = seq
        self.role = role
        self.parts = parts
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
        self.outcome = outcome
        self.createdAt = createdAt
        self.summarizes = summarizes
        self.usage = usage
        self.rewindsTo = rewindsTo
    }
}
