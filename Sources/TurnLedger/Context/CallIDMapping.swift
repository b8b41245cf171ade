import Crypto

/// The call ids a rendered body carries. The log keeps every id as the model produced it, and
/// ids are unique only within their turn; a provider may need them unique across the request
/// (Anthropic, Responses, strict Chat servers) or within a pattern (Anthropic). Where a stored id
/// does not fit, it is mapped, deterministically, and its results carry the same mapped id.
///
/// The rules (docs/providers.md, "Call ids"):
/// - an id that fits and was not used earlier in the body is sent as it is;
/// - an id outside the provider's pattern has each character the pattern refuses replaced by
///   `_`, and `_` plus 8 hex digits of its SHA-256 appended, so distinct ids stay distinct;
/// - an id already used earlier in the body gets `_t` and its turn's seq appended (seqs are
///   unique within a history), then `_2`, `_3`, … while it still collides.
/// An id's mapping depends only on the calls before it, so a longer history keeps the bytes
/// of its older turns (prompt caches match on prefixes).
struct CallIDMapping {
    /// Whether the provider accepts `id` as it is, uniqueness aside.
    var accepts: (String) -> Bool
    /// The characters the provider accepts, for rewriting an id it refuses.
    var allowed: (Character) -> Bool

    static func forFormat(_ format: ProviderFormat) -> CallIDMapping {
        switch format {
        case .anthropic:
            CallIDMapping(
                accepts: { !$0.isEmpty && $0.allSatisfy(isAnthropicIDCharacter) }, allowed: isAnthropicIDCharacter)
        case .openAIChat, .openAIResponses, .gemini:
            CallIDMapping(accepts: { _ in true }, allowed: { _ in true })
        }
    }

    /// `^[a-zA-Z0-9_-]+$`, Anthropic's pattern for `tool_use.id` (rule `an/tool-use-id-pattern`).
    static func isAnthropicIDCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let ascii = character.asciiValue else { return false }
        return (ascii >= 0x30 && ascii <= 0x39) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x61 && ascii <= 0x7A)
            || ascii == UInt8(ascii: "_") || ascii == UInt8(ascii: "-")
    }

    /// The entries with every call id, and each result's id, as the body will carry them. The
    /// results of an assistant entry are the `tool` entries right after it, one per call in call
    /// order (`resultIndices(ofTurnAt:)`, as ``TranscriptStep/steps(_:)`` groups them). An entry is
    /// written only where an id changes: most ids go out as stored, and reading them from the
    /// array copies nothing.
    func apply(to entries: [Entry]) -> [Entry] {
        var entries = entries
        var used = Set<String>()
        for turn in entries.indices where entries[turn].role == .assistant && !entries[turn].toolCalls.isEmpty {
            let seq = entries[turn].seq
            let calls = entries[turn].toolCalls.count
            let results = entries.resultIndices(ofTurnAt: turn)
            for call in 0..<calls {
                let id = claim(entries[turn].toolCalls[call].id, turnSeq: seq, used: &used)
                if entries[turn].toolCalls[call].id != id { entries[turn].toolCalls[call].id = id }
                let result = turn + 1 + call
                if results.contains(result), entries[result].toolCallId != id { entries[result].toolCallId = id }
            }
        }
        return entries
    }

    /// The id `stored` goes out as, added to `used`.
    private func claim(_ stored: String, turnSeq: Int, used: inout Set<String>) -> String {
        var id = stored
        if !accepts(stored) {
            let digest = SHA256.hash(data: Array(stored.utf8)).prefix(4).map { byte in
                String(byte, radix: 16).leftPadded(to: 2)
            }.joined()
            id = String(stored.prefix(48).map { allowed($0) ? $0 : "_" }) + "_" + digest
        }
        guard !used.insert(id).inserted else { return id }
        let base = id + "_t\(turnSeq)"
        id = base
        var suffix = 2
        while !used.insert(id).inserted {
            id = base + "_\(suffix)"
            suffix += 1
        }
        return id
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
