import Foundation

extension ProviderFormat {
    /// Whether provider-opaque JSON stored for this format can go into its body as it is.
    ///
    /// Opaque data is what the ledger does not model (reasoning, thinking, signatures). Data that
    /// claims to be something the ledger does model (a message, a call, a result, a text) would
    /// pair or order outside the ledger's control and break a provider rule, so it is left out
    /// of the body; the log keeps it byte for byte (docs/providers.md, "Opaque data").
    func carries(opaque json: String) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return false
        }
        switch self {
        case .openAIChat:
            return false
        case .openAIResponses:
            guard let type = object["type"] as? String else { return false }
            return !Self.responsesModelledItems.contains(type)
        case .anthropic:
            guard let type = object["type"] as? String else { return false }
            return !Self.anthropicModelledBlocks.contains(type)
        case .gemini:
            if let text = object["text"], (text as? String)?.isEmpty != false { return false }
            return Self.geminiModelledParts.allSatisfy { object[$0] == nil }
        }
    }

    private static let responsesModelledItems: Set<String> = [
        "message", "function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output",
    ]
    private static let anthropicModelledBlocks: Set<String> = ["text", "image", "document", "tool_use", "tool_result"]
    private static let geminiModelledParts = ["functionCall", "function_call", "functionResponse", "function_response"]
}
