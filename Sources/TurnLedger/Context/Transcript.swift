/// A rendered history as steps: the unit every renderer and the window work with. An
/// assistant step carries its tool results, so no step can separate a call from its result.
enum TranscriptStep: Sendable {
    /// A system or developer message.
    case instruction(Entry)
    case user(Entry)
    /// An assistant message, and for each of its calls the `tool` entry that answers it.
    case assistant(Entry, results: [Entry])

    var entries: [Entry] {
        switch self {
        case .instruction(let entry), .user(let entry): [entry]
        case .assistant(let entry, let results): [entry] + results
        }
    }

    /// Groups log entries (in the order given) into steps.
    static func steps(_ entries: [Entry]) -> [TranscriptStep] {
        var steps: [TranscriptStep] = []
        var index = entries.startIndex
        while index < entries.endIndex {
            let entry = entries[index]
            index += 1
            switch entry.role {
            case .system, .developer: steps.append(.instruction(entry))
            case .user: steps.append(.user(entry))
            case .assistant:
                let results = entries.resultIndices(ofTurnAt: index - 1)
                index = results.upperBound
                steps.append(.assistant(entry, results: Array(entries[results])))
            case .tool:
                // Only a damaged log has a result outside its turn: keep it, and let the
                // provider check refuse the body.
                steps.append(.assistant(entry, results: []))
            }
        }
        return steps
    }
}

extension Array where Element == Entry {
    /// Where the results of the assistant entry at `turn` are: the `tool` entries right after it,
    /// at most one per call. The one grouping of a turn's results, for steps and call ids alike.
    func resultIndices(ofTurnAt turn: Int) -> Range<Int> {
        let end = Swift.min(turn + 1 + self[turn].toolCalls.count, endIndex)
        return self[(turn + 1)..<end].prefix { $0.role == .tool }.indices
    }
}

/// The short texts renderers put where a provider refuses empty content.
enum Placeholder {
    static let emptyResult = "(empty result)"
    static let emptyMessage = "(empty message)"
    /// Opens a history whose first kept message is not the user's.
    static let continuation = "(continuing an earlier conversation)"
}

extension Entry {
    /// The text parts, skipping empty ones.
    var nonEmptyTexts: [String] {
        parts.compactMap { part in
            if case .text(let text) = part, !text.isEmpty { text } else { nil }
        }
    }

    /// The text parts that hold more than whitespace: Anthropic refuses empty and
    /// whitespace-only text blocks (rules an/empty-text-block, an/whitespace-text-block).
    var visibleTexts: [String] {
        parts.compactMap { part in
            if case .text(let text) = part, text.isVisible { text } else { nil }
        }
    }

    /// The provider-opaque parts meant for `format` that its body can carry, as verbatim JSON.
    func opaqueJSON(for format: ProviderFormat) -> [String] {
        parts.compactMap { part in
            if case .opaque(let provider, let json) = part, provider == format.opaqueProvider,
                format.carries(opaque: json)
            {
                json
            } else {
                nil
            }
        }
    }

    /// The text of a result, with non-text parts named, for providers whose results are text.
    var resultText: String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .image(let url): "[image: \(url.hasPrefix("data:") ? "inline data" : url)]"
            case .opaque: ""
            }
        }.joined()
    }

    /// Whether the result tells the model the tool did not succeed.
    var isFailedResult: Bool {
        outcome != nil && outcome != .success
    }
}

extension String {
    /// Whether the text holds anything but whitespace.
    var isVisible: Bool { contains { !$0.isWhitespace } }
}
