import Foundation

/// Gemini `generateContent`: `{"systemInstruction": {...}, "contents": [...]}`.
enum GeminiRenderer {
    static func render(_ steps: [TranscriptStep]) -> JSONNode {
        var system: [JSONNode] = []
        var contents: [(role: String, parts: [JSONNode], isFunctionTurn: Bool)] = []
        // Consecutive turns of one role merge, except that a function response turn stays on its
        // own. A model text turn merges into the function call turn after it: Gemini wants a call
        // turn right after a user or function response turn (rule gm/call-turn-position).
        func append(_ role: String, _ parts: [JSONNode], isFunctionTurn: Bool = false) {
            if let last = contents.last, last.role == role, !last.isFunctionTurn,
                role == "model" || !isFunctionTurn
            {
                contents[contents.count - 1].parts += parts
                contents[contents.count - 1].isFunctionTurn = isFunctionTurn
            } else {
                contents.append((role: role, parts: parts, isFunctionTurn: isFunctionTurn))
            }
        }
        for step in steps {
            switch step {
            case .instruction(let entry) where contents.isEmpty:
                system += entry.nonEmptyTexts.map(textPart)
            case .instruction(let entry), .user(let entry):
                append("user", contentParts(entry))
            case .assistant(let entry, let results):
                if entry.role == .tool {
                    append("user", [responsePart(entry, name: "")], isFunctionTurn: true)
                    continue
                }
                append("model", modelParts(entry), isFunctionTurn: !entry.toolCalls.isEmpty)
                if !results.isEmpty {
                    let names = entry.toolCalls.map(\.name)
                    append(
                        "user",
                        results.enumerated().map { index, result in
                            responsePart(result, name: names.indices.contains(index) ? names[index] : "")
                        }, isFunctionTurn: true)
                }
            }
        }
        if let first = contents.first, first.role != "user" {
            contents.insert((role: "user", parts: [textPart(Placeholder.continuation)], isFunctionTurn: false), at: 0)
        }
        var body: [(key: String, value: JSONNode)] = []
        if !system.isEmpty { body.append(("systemInstruction", .object([("parts", .array(system))]))) }
        body.append(
            (
                "contents",
                .array(
                    contents.map { content in
                        .object([("role", .string(content.role)), ("parts", .array(content.parts))])
                    })
            ))
        return .object(body)
    }

    private static func modelParts(_ entry: Entry) -> [JSONNode] {
        var signature: String?
        var parts: [JSONNode] = []
        for json in entry.opaqueJSON(for: .gemini) {
            // {"thoughtSignature": "…"} alone belongs on the first function call of the turn.
            if let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                object.count == 1, let value = object["thoughtSignature"] as? String
            {
                signature = value
            } else {
                parts.append(.raw(json))
            }
        }
        parts += entry.nonEmptyTexts.map(textPart)
        for (index, call) in entry.toolCalls.enumerated() {
            var members: [(key: String, value: JSONNode)] = [
                (
                    "functionCall",
                    .object([
                        ("id", .string(call.id)),
                        ("name", .string(call.name)),
                        (
                            "args",
                            JSONNode.object(fromJSON: call.arguments)
                                ?? .object([("raw_arguments", .string(call.arguments))])
                        ),
                    ])
                )
            ]
            if index == 0, let signature { members.append(("thoughtSignature", .string(signature))) }
            parts.append(.object(members))
        }
        return parts.isEmpty ? [textPart(Placeholder.emptyMessage)] : parts
    }

    private static func contentParts(_ entry: Entry) -> [JSONNode] {
        let parts = entry.parts.compactMap { part -> JSONNode? in
            switch part {
            case .text(let text): text.isEmpty ? nil : textPart(text)
            case .image(let url):
                switch MediaSource(url: url) {
                case .inline(let mediaType, let base64):
                    .object([("inlineData", .object([("mimeType", .string(mediaType)), ("data", .string(base64))]))])
                case .remote(let url):
                    .object([
                        (
                            "fileData",
                            .object([
                                ("mimeType", .string(MediaSource.guessedMediaType(of: url))), ("fileUri", .string(url)),
                            ])
                        )
                    ])
                }
            case .opaque(let provider, let json):
                provider == ProviderFormat.gemini.opaqueProvider && ProviderFormat.gemini.carries(opaque: json)
                    ? .raw(json) : nil
            }
        }
        return parts.isEmpty ? [textPart(Placeholder.emptyMessage)] : parts
    }

    private static func responsePart(_ result: Entry, name: String) -> JSONNode {
        let text = result.resultText.isEmpty ? Placeholder.emptyResult : result.resultText
        return .object([
            (
                "functionResponse",
                .object([
                    ("id", .string(result.toolCallId ?? "")),
                    ("name", .string(name)),
                    ("response", .object([(result.isFailedResult ? "error" : "output", .string(text))])),
                ])
            )
        ])
    }

    private static func textPart(_ text: String) -> JSONNode {
        .object([("text", .string(text))])
    }
}
