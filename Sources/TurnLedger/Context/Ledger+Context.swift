import Foundation

extension Ledger {
    /// Builds a provider-ready request body from a session's committed log.
    ///
    /// The log is read in one read transaction, a snapshot: a turn committed meanwhile is
    /// either wholly in or wholly out. The body holds the system/developer prefix, the newest
    /// summary in place of the entries it covers, and, under `maxTokens`, the newest whole
    /// steps that fit: a call is never separated from its result. Before returning, the body
    /// is checked against the provider's pairing and ordering rules (docs/providers.md).
    ///
    /// ```swift
    /// let context = try await ledger.context(for: "s1", format: .anthropic, maxTokens: 100_000)
    /// // POST context.data, merged with "model", "max_tokens" and "tools"
    /// ```
    ///
    /// The same log gives the same bytes, for prompt caches. An open turn is not part of it.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``;
    ///   ``LedgerError/contextBudgetTooSmall(maxTokens:needed:)``;
    ///   ``LedgerError/contextRuleViolated(format:rule:detail:)`` instead of a body the provider would refuse.
    public func context(
        for sessionID: String,
        format: ProviderFormat,
        maxTokens: Int? = nil,
        tokenCounter: TokenCounter = .estimate
    ) async throws -> Context {
        if let maxTokens, maxTokens < 1 {
            throw LedgerError.invalidInput(field: "maxTokens", reason: "must be 1 or more, not \(maxTokens)")
        }
        let log = try await entries(in: sessionID)
        let window = try ContextWindow.select(from: log, maxTokens: maxTokens, counter: tokenCounter)
        let steps = TranscriptStep.steps(CallIDMapping.forFormat(format).apply(to: window.entries))
        let body = format.render(steps)
        try format.check(body)
        return Context(
            format: format,
            data: body.data,
            renderedSeqs: window.entries.map(\.seq),
            omittedSeqs: window.omitted,
            estimatedTokens: window.tokens
        )
    }
}
