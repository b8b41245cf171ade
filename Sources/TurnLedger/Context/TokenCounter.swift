/// Counts the tokens an entry costs in a context, for windowing under a budget.
///
/// Pass your tokenizer for exact counts; the default is an estimate.
public struct TokenCounter: Sendable {
    public var count: @Sendable (Entry) -> Int

    /// A counter that calls `count` for each entry.
    public init(count: @escaping @Sendable (Entry) -> Int) {
        self.count = count
    }

    /// About 4 UTF-8 bytes per token over text, call names and arguments, plus 4 tokens per
    /// entry for its framing; 256 tokens per image. Close for English with current tokenizers,
    /// cautious (high) for Cyrillic and CJK text.
    public static let estimate = TokenCounter { entry in
        var bytes = 0
        var tokens = 4
        for part in entry.parts {
            switch part {
            case .text(let text): bytes += text.utf8.count
            case .image: tokens += 256
            case .opaque(_, let json): bytes += json.utf8.count
            }
        }
        for call in entry.toolCalls {
            bytes += call.id.utf8.count + call.name.utf8.count + call.arguments.utf8.count
        }
        return tokens + (bytes + 3) / 4
    }
}
