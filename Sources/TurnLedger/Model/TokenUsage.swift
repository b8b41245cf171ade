/// The tokens a model call used and the model that made it, as the provider reported them.
///
/// Carried by an assistant entry (``Ledger/append(_:role:to:expectedSeq:idempotencyKey:usage:)``,
/// ``Ledger/openTurn(in:parts:calls:expectedSeq:idempotencyKey:usage:)``) and stored in the same
/// transaction as the entry. Every count is optional: providers report different ones.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var model: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// Input tokens served from the provider's prompt cache (part of `inputTokens`).
    public var cachedTokens: Int?
    /// Output tokens spent on reasoning (part of `outputTokens`).
    public var reasoningTokens: Int?

    public init(
        model: String? = nil,
        inputTokens: Int? = nil,
        outputTokens: Int? = nil,
        cachedTokens: Int? = nil,
        reasoningTokens: Int? = nil
    ) {
        self.model = model
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
    }
}

/// Token totals over many entries: a session's, or a tenant's.
public struct UsageTotals: Sendable, Hashable, Codable {
    /// How many entries carried usage.
    public var entries: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cachedTokens: Int
    public var reasoningTokens: Int

    public init(
        entries: Int = 0, inputTokens: Int = 0, outputTokens: Int = 0, cachedTokens: Int = 0, reasoningTokens: Int = 0
    ) {
        self.entries = entries
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
    }
}
