/// A provider API whose request body the context builder renders.
public enum ProviderFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// OpenAI Chat Completions: `messages`.
    case openAIChat = "openai-chat"
    /// OpenAI Responses: `input` items.
    case openAIResponses = "openai-responses"
    /// Anthropic Messages: `system` and `messages`.
    case anthropic
    /// Gemini `generateContent`: `systemInstruction` and `contents`.
    case gemini

    /// The provider name that `ContentPart.opaque` data must carry to be sent back in this
    /// format; opaque data of any other provider is left out.
    public var opaqueProvider: String { rawValue }
}
