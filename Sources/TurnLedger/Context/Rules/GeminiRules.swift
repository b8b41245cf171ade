/// The error rules of Gemini `generateContent` that a body can be checked against
/// (`../shared/provider-rules.md`, section 4), plus the warnings the renderer avoids
/// (`gm/dangling-call`, `gm/response-mismatch`) and `gm/empty-text`, TurnLedger's own: an empty
/// text part says nothing, and Gemini refuses it.
enum GeminiRules {
    private static let callKeys = ["functionCall", "function_call"]
    private static let responseKeys = ["functionResponse", "function_response"]

    private enum Kind { case user, model, call, response }

    static func check(_ body: JSONNode) throws {
        let rule = ProviderFormat.gemini.violation
        // An empty list is a history prefix: the caller adds the new message (docs/providers.md).
        guard let contents = body.resolved["contents"]?.array else {
            throw rule("input/shape", "* GenerateContentRequest.contents: contents is not specified")
        }
        var previous: (kind: Kind, calls: [(id: String?, name: String)])?
        for (n, node) in contents.enumerated() {
            let content = node.resolved
            guard content.kind == "object", let parts = content["parts"]?.resolved.array else {
                throw rule("gm/content-shape", "contents[\(n)]: a content is an object with a parts array")
            }
            let role = content["role"]?.string ?? "user"
            guard role == "user" || role == "model" else {
                throw rule("gm/invalid-role", "Please use a valid role: user, model.")
            }
            guard !parts.isEmpty else {
                throw rule(
                    "gm/empty-parts", "* GenerateContentRequest.contents[\(n)].parts: contents.parts must not be empty."
                )
            }
            let functions = try parts.enumerated().map { m, part in
                try checkPart(part.resolved, at: "contents[\(n)].parts[\(m)]")
            }
            let calls = functions.compactMap { $0.kind == .call ? $0.function : nil }
            let responses = functions.compactMap { $0.kind == .response ? $0.function : nil }
            if !calls.isEmpty, !responses.isEmpty {
                throw rule(
                    "gm/mixed-call-response",
                    "Please ensure that function call turn contains at least one function_call part which can not be "
                        + "mixed with function_response parts."
                )
            }
            if role == "user" ? !calls.isEmpty : !responses.isEmpty {
                throw rule(
                    "gm/part-role",
                    "contents[\(n)]: functionCall parts belong in model turns and functionResponse parts in user turns")
            }
            let kind: Kind = !calls.isEmpty ? .call : !responses.isEmpty ? .response : role == "model" ? .model : .user
            if let previous, previous.kind == .call {
                guard responses.count == previous.calls.count else {
                    throw rule(
                        "gm/response-count",
                        "Please ensure that the number of function response parts is equal to the number of function "
                            + "call parts of the function call turn."
                    )
                }
                for (call, response) in zip(previous.calls, responses)
                where call.name != response.name || (call.id != nil && response.id != nil && call.id != response.id) {
                    throw rule(
                        "gm/response-mismatch",
                        "contents[\(n)]: the response to '\(call.name)' (id \(call.id ?? "none")) names "
                            + "'\(response.name)' (id \(response.id ?? "none"))"
                    )
                }
            }
            if kind == .call, previous == nil || previous?.kind == .model || previous?.kind == .call {
                throw rule(
                    "gm/call-turn-position",
                    "Please ensure that function call turn comes immediately after a user turn "
                        + "or after a function response turn."
                )
            }
            if kind == .response, previous?.kind != .call {
                throw rule(
                    "gm/response-turn-position",
                    "Please ensure that function response turn comes immediately after a function call turn.")
            }
            previous = (kind, calls)
        }
        if previous?.kind == .call {
            throw rule(
                "gm/dangling-call",
                "contents[\(contents.count - 1)]: the function calls have no response turn after them")
        }
    }

    /// A part's kind (`.call`, `.response`, or `.user` for any other part), with the function's
    /// id and name.
    private static func checkPart(_ part: JSONNode, at path: String) throws
        -> (kind: Kind, function: (id: String?, name: String))
    {
        let rule = ProviderFormat.gemini.violation
        guard part.kind == "object" else { throw rule("gm/content-shape", "\(path): a part is an object") }
        if let text = part["text"], text.string?.isEmpty != false {
            throw rule("gm/empty-text", "\(path): a text part must hold text")
        }
        for (keys, kind, payload) in [(callKeys, Kind.call, "args"), (responseKeys, .response, "response")] {
            guard let key = keys.first(where: part.has), let function = part[key]?.resolved else { continue }
            guard function.kind == "object", let name = function["name"]?.nonEmptyString else {
                throw rule("gm/function-shape", "\(path).\(key).name: Name cannot be empty.")
            }
            if let value = function[payload], value.kind != "object" {
                throw rule(
                    "gm/function-shape",
                    value.kind == "array"
                        ? "Invalid JSON payload received. Unknown name \"\(payload)\" at '\(path).\(key)': "
                            + "Proto field is not repeating, cannot start list."
                        : "Invalid value at '\(path).\(key).\(payload)' (type.googleapis.com/google.protobuf.Struct)")
            }
            return (kind, (function["id"]?.string, name))
        }
        return (.user, (nil, ""))
    }
}
