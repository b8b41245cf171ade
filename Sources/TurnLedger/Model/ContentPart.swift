/// One piece of a message's content.
///
/// Text is stored exactly as given. Provider-opaque data (reasoning signatures, encrypted
/// reasoning) is kept as the provider's own JSON text, byte for byte, so that it can be sent
/// back to the provider that produced it.
public enum ContentPart: Sendable, Hashable {
    case text(String)
    /// An image by URL; a `data:` URL carries the bytes inline.
    case image(url: String)
    /// Data only the named provider understands, kept verbatim (`json` is its JSON text).
    case opaque(provider: String, json: String)
}

extension ContentPart: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, url, provider, json
    }

    private enum Kind: String, Codable {
        case text, image, opaque
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .text:
            self = .text(try container.decode(String.self, forKey: .text))
        case .image:
            self = .image(url: try container.decode(String.self, forKey: .url))
        case .opaque:
            self = .opaque(
                provider: try container.decode(String.self, forKey: .provider),
                json: try container.decode(String.self, forKey: .json)
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode(Kind.text, forKey: .type)
            try container.encode(text, forKey: .text)
        case .image(let url):
            try container.encode(Kind.image, forKey: .type)
            try container.encode(url, forKey: .url)
        case .opaque(let provider, let json):
            try container.encode(Kind.opaque, forKey: .type)
            try container.encode(provider, forKey: .provider)
            try container.encode(json, forKey: .json)
        }
    }
}

extension [ContentPart] {
    /// The text parts joined with no separator: what a plain-text reader shows.
    public var text: String {
        compactMap { part in
            if case .text(let text) = part { text } else { nil }
        }.joined()
    }
}
