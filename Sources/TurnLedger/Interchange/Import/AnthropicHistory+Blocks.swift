import Foundation

/// Anthropic content blocks to ledger parts and calls.
extension AnthropicHistory {
    static func blocks(_ content: Any?, field: String) throws -> [[String: Any]] {
        if let text = content as? String { return [["type": "text", "text": text]] }
        guard let blocks = content as? [[String: Any]] else {
            throw LedgerError.invalidInput(field: field, reason: "must be a string or an array of content blocks")
        }
        return blocks
    }

    static func textOrBlocks(_ content: Any, field: String) throws -> [ContentPart] {
        try blocks(content, field: field).map { try part($0, field: field) }
    }

    static func textParts(_ content: Any, field: String) throws -> [ContentPart] {
        try blocks(content, field: field).map { block in
            guard let text = block["text"] as? String else {
                throw LedgerError.invalidInput(field: field, reason: "must hold text blocks only")
            }
            return .text(text)
        }
    }

    static func part(_ block: [String: Any], field: String) throws -> ContentPart {
        switch block["type"] as? String {
        case "text":
            guard let text = block["text"] as? String else {
                throw LedgerError.invalidInput(field: field, reason: "a text block needs text")
            }
            return .text(text)
        case "image":
            let source = block["source"] as? [String: Any] ?? [:]
            if let url = source["url"] as? String { return .image(url: url) }
            if let data = source["data"] as? String, let mediaType = source["media_type"] as? String {
                return .image(url: "data:\(mediaType);base64,\(data)")
            }
            throw LedgerError.invalidInput(field: field, reason: "an image block needs a url or base64 source")
        default:
            // thinking, redacted_thinking and anything else the API adds: kept verbatim for Anthropic.
            return .opaque(provider: ProviderFormat.anthropic.opaqueProvider, json: try json(block))
        }
    }

    static func call(_ block: [String: Any], field: String) throws -> ToolCall {
        guard let id = block["id"] as? String, let name = block["name"] as? String else {
            throw LedgerError.invalidInput(field: field, reason: "a tool_use block needs an id and a name")
        }
        return ToolCall(id: id, name: name, arguments: try json(block["input"] ?? [String: Any]()))
    }

    private static func json(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(
            withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }
}
