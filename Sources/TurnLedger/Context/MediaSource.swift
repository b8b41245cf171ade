/// An image URL split the way Anthropic and Gemini want it: inline bytes or a remote URL.
enum MediaSource {
    case inline(mediaType: String, base64: String)
    case remote(url: String)

    init(url: String) {
        // data:image/png;base64,iVBOR…
        if url.hasPrefix("data:"), let comma = url.firstIndex(of: ","),
            url[..<comma].hasSuffix(";base64")
        {
            let header = url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(";base64".count)
            self = .inline(
                mediaType: header.isEmpty ? "application/octet-stream" : String(header),
                base64: String(url[url.index(after: comma)...]))
        } else {
            self = .remote(url: url)
        }
    }

    /// A media type guessed from a remote URL's extension, for APIs that want one.
    static func guessedMediaType(of url: String) -> String {
        let path = url.split(separator: "?").first.map(String.init)?.lowercased() ?? ""
        for (suffix, type) in [
            (".png", "image/png"), (".gif", "image/gif"), (".webp", "image/webp"), (".pdf", "application/pdf"),
        ]
        where path.hasSuffix(suffix) {
            return type
        }
        return "image/jpeg"
    }
}
