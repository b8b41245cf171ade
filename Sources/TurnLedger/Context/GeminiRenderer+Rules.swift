extension GeminiRenderer {
    /// Contents start with the user, no parts are empty, and each model turn of function calls
    /// is followed by a user turn with exactly one function response per call, in order.
    static func check(_ body: JSONNode) throws {
        let contents = body["contents"]?.array ?? []
        // An empty history is valid here: the caller adds the new user message before sending.
        guard contents.isEmpty || contents.first?["role"]?.string == "user" else {
            throw ProviderFormat.gemini.violation("first turn is the user's", "contents[0] must have role 'user'")
        }
        var expected: [(id: String, name: String)] = []
        for (index, content) in contents.enumerated() {
            let role = content["role"]?.string ?? ""
            let parts = content["parts"]?.array ?? []
            guard role == "user" || role == "model" else {
                throw ProviderFormat.gemini.violation(
                    "roles", "contents[\(index)] has role '\(role)'; it must be 'user' or 'model'")
            }
            guard !parts.isEmpty else {
                throw ProviderFormat.gemini.violation("no empty parts", "contents[\(index)].parts must not be empty")
            }
            for part in parts where part["text"] != nil && (part["text"]?.string ?? "").isEmpty {
                throw ProviderFormat.gemini.violation("no empty text", "contents[\(index)] has an empty text part")
            }
            let responses = parts.compactMap { $0["functionResponse"] }.map {
                (id: $0["id"]?.string ?? "", name: $0["name"]?.string ?? "")
            }
            guard responses.map(\.id) == expected.map(\.id), responses.map(\.name) == expected.map(\.name),
                responses.isEmpty || responses.count == parts.count
            else {
                throw ProviderFormat.gemini.violation(
                    "function calls answered",
                    "Please ensure that the number of function response parts is equal to the number of function call "
                        + "parts of the function call turn (contents[\(index)])"
                )
            }
            expected =
                role == "model"
                ? parts.compactMap { $0["functionCall"] }.map {
                    (id: $0["id"]?.string ?? "", name: $0["name"]?.string ?? "")
                }
                : []
        }
        if !expected.isEmpty {
            throw ProviderFormat.gemini.violation(
                "function calls answered",
                "the function calls of contents[\(contents.count - 1)] have no function response turn after them"
            )
        }
    }
}
