import Foundation

/// The text of `parts` columns: a JSON array of `{"type": "text", "text": …}`, `{"type":
/// "image", "url": …}` and `{"type": "opaque", "provider": …, "json": …}`, keys sorted, so
/// that the same parts always give the same text (idempotency compares texts).
enum PartsCodec {
    static func encode(_ parts: [ContentPart]) -> String {
        JSONNode.array(
            parts.map { part in
                switch part {
                case .text(let text):
                    .object([("text", .string(text)), ("type", .string("text"))])
                case .image(let url):
                    .object([("type", .string("image")), ("url", .string(url))])
                case .opaque(let provider, let json):
                    .object([("json", .string(json)), ("provider", .string(provider)), ("type", .string("opaque"))])
                }
            }
        ).text
    }

    static func decode(bytes data: Data) throws -> [ContentPart] {
        let parts = data.withUnsafeBytes { raw in PartsReader.parts(bytes: raw.bindMemory(to: UInt8.self)) }
        if let parts { return parts }
        return try JSONDecoder().decode([ContentPart].self, from: data)
    }

    static func decode(_ text: String) throws -> [ContentPart] {
        if let parts = PartsReader.parts(text) { return parts }
        // Written by another client in another shape: let Foundation read it, or say why not.
        return try JSONDecoder().decode([ContentPart].self, from: Data(text.utf8))
    }
}
