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
        try data.withUnsafeBytes { raw in try decode(bytes: raw.bindMemory(to: UInt8.self)) }
    }

    static func decode(bytes: UnsafeBufferPointer<UInt8>) throws -> [ContentPart] {
        if let parts = PartsReader.parts(bytes: bytes) { return parts }
        // Written by another client in another shape: let Foundation read it, or say why not.
        return try JSONDecoder().decode([ContentPart].self, from: Data(buffer: bytes))
    }

    static func decode(_ text: String) throws -> [ContentPart] {
        if let parts = PartsReader.parts(text) { return parts }
        // Written by another client in another shape: let Foundation read it, or say why not.
        return try JSONDecoder().decode([ContentPart].self, from: Data(text.utf8))
    }
}
