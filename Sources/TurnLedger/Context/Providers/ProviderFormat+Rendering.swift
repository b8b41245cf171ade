extension ProviderFormat {
    func render(_ steps: [TranscriptStep]) -> JSONNode {
        switch self {
        case .openAIChat: OpenAIChatRenderer.render(steps)
        case .openAIResponses: OpenAIResponsesRenderer.render(steps)
        case .anthropic: AnthropicRenderer.render(steps)
        case .gemini: GeminiRenderer.render(steps)
        }
    }

    /// Throws ``LedgerError/contextRuleViolated(format:rule:detail:)`` for a body the provider would
    /// refuse: `rule` is the rule's id in `provider-rules.md` (docs/providers.md lists them).
    func check(_ body: JSONNode) throws {
        switch self {
        case .openAIChat: try OpenAIChatRules.check(body)
        case .openAIResponses: try OpenAIResponsesRules.check(body)
        case .anthropic: try AnthropicRules.check(body)
        case .gemini: try GeminiRules.check(body)
        }
    }

    /// The error for a body of this format that breaks `rule`.
    func violation(_ rule: String, _ detail: String) -> LedgerError {
        LedgerError.contextRuleViolated(format: rawValue, rule: rule, detail: detail)
    }
}
