/// The error rules of OpenAI Chat Completions that a body can be checked against
/// (`../shared/provider-rules.md`, section 1), plus the request-wide unique ids that strict
/// servers of the same format require (`oc/reused-tool-call-id`).
enum OpenAIChatRules {
    private static func isRole(_ role: String) -> Bool {
        switch role {
        case "system", "developer", "user", "assistant", "tool", "function": true
        default: false
        }
    }

    static func check(_ body: JSONNode) throws {
        let rule = ProviderFormat.openAIChat.violation
        // An empty list is a history prefix: the caller adds the new message (docs/providers.md).
        guard let messages = body.resolved["messages"]?.array else {
            throw rule("input/shape", "Missing required parameter: 'messages'.")
        }
        var group: (index: Int, ids: [String])?
        var answered: [String: Int] = [:]
        var earlierCalls: Set<String> = []
        earlierCalls.reserveCapacity(messages.count)
        for (n, node) in messages.enumerated() {
            let message = node.resolved
            guard message.kind == "object" else {
                throw rule(
                    "oc/message-shape",
                    "Invalid type for 'messages[\(n)]': expected an object, but got \(message.kind) instead.")
            }
            guard let role = message["role"]?.string else {
                throw rule("oc/invalid-role", "Missing required parameter: 'messages[\(n)].role'.")
            }
            guard isRole(role) else {
                throw rule(
                    "oc/invalid-role",
                    "Invalid value: '\(role)'. Supported values are: 'system', 'assistant', 'user', "
                        + "'function', 'tool', and 'developer'."
                )
            }
            if role != "tool", let open = group {
                try requireAnswers(open, answered)
                group = nil
            }
            switch role {
            case "tool":
                guard let open = group else {
                    throw rule(
                        "oc/orphan-tool-message",
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with "
                            + "'tool_calls'."
                    )
                }
                guard let id = message["tool_call_id"]?.string else {
                    throw rule("oc/missing-tool-call-id", "Missing required parameter: 'messages[\(n)].tool_call_id'.")
                }
                guard open.ids.contains(id) else {
                    throw rule(
                        "oc/unknown-tool-call-id",
                        "Invalid parameter: 'tool_call_id' of '\(id)' not found in 'tool_calls' of previous message.")
                }
                if let first = answered[id] {
                    throw rule(
                        "oc/duplicate-tool-response",
                        "Invalid parameter: Duplicate value for 'tool_call_id' of '\(id)', in messages[\(first)] and "
                            + "messages[\(n)]."
                    )
                }
                answered[id] = n
                try checkContent(message, at: n, optional: false)
            case "assistant":
                let ids = try checkToolCalls(message, at: n, earlier: &earlierCalls)
                try checkContent(
                    message, at: n, optional: !ids.isEmpty || message.has("refusal") || message.has("audio"))
                if !ids.isEmpty {
                    group = (n, ids)
                    answered = [:]
                }
            default:
                try checkContent(message, at: n, optional: false)
            }
        }
        if let open = group { try requireAnswers(open, answered) }
    }

    private static func requireAnswers(_ group: (index: Int, ids: [String]), _ answered: [String: Int]) throws {
        let missing = group.ids.filter { answered[$0] == nil }
        guard missing.isEmpty else {
            throw ProviderFormat.openAIChat.violation(
                "oc/missing-tool-response",
                "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                    + "'tool_call_id'. The following tool_call_ids did not have response messages: "
                    + missing.joined(separator: ", "))
        }
    }

    private static func checkContent(_ message: JSONNode, at n: Int, optional: Bool) throws {
        let rule = ProviderFormat.openAIChat.violation
        let content = message["content"]?.resolved
        switch content?.kind {
        case nil where optional, "null" where optional, "string", "array": break
        case nil: throw rule("oc/null-content", "Missing required parameter: 'messages[\(n)].content'.")
        case "null": throw rule("oc/null-content", "Invalid value for 'content': expected a string, got null.")
        case let kind?:
            throw rule(
                "oc/content-type",
                "Invalid type for 'messages.[\(n)].content': expected one of a string or array of objects, "
                    + "but got \(kind) instead."
            )
        }
    }

    /// The call ids of an assistant message, checked, and added to `earlier`.
    private static func checkToolCalls(_ message: JSONNode, at n: Int, earlier: inout Set<String>) throws -> [String] {
        let rule = ProviderFormat.openAIChat.violation
        guard let node = message["tool_calls"]?.resolved, node.kind != "null" else { return [] }
        guard let calls = node.array else {
            throw rule(
                "oc/tool-call-shape",
                "Invalid type for 'messages[\(n)].tool_calls': expected an array, but got \(node.kind) instead.")
        }
        guard !calls.isEmpty else {
            throw rule(
                "oc/empty-tool-calls",
                "Invalid 'messages[\(n)].tool_calls': empty array. Expected an array with minimum length 1, but got an "
                    + "empty array instead."
            )
        }
        var ids: [String] = []
        for (k, callNode) in calls.enumerated() {
            let call = callNode.resolved
            var path: String { "messages[\(n)].tool_calls[\(k)]" }  // for an error only
            guard let id = call["id"]?.nonEmptyString else {
                throw rule("oc/tool-call-shape", "Missing required parameter: '\(path).id'.")
            }
            guard call["type"]?.string == "function", let function = call["function"]?.resolved,
                function.kind == "object"
            else {
                throw rule(
                    "oc/tool-call-shape",
                    "Invalid value: '\(call["type"]?.string ?? "")'. Supported values are: 'function' and 'custom'.")
            }
            guard let name = function["name"]?.string else {
                throw rule("oc/tool-call-shape", "Missing required parameter: '\(path).function.name'.")
            }
            guard !name.isEmpty else {
                throw rule(
                    "oc/empty-function-name",
                    "Invalid '\(path).function.name': empty string. Expected a string with minimum length 1, but got "
                        + "an empty string instead."
                )
            }
            guard let arguments = function["arguments"] else {
                throw rule("oc/tool-call-shape", "Missing required parameter: '\(path).function.arguments'.")
            }
            guard arguments.kind == "string" else {
                throw rule(
                    "oc/arguments-not-string",
                    "Invalid type for '\(path).function.arguments': expected a string, "
                        + "but got \(arguments.kind) instead."
                )
            }
            guard !ids.contains(id) else {
                throw rule(
                    "oc/duplicate-tool-call-id",
                    "Invalid parameter: Duplicate value for 'id' of '\(id)' in 'messages[\(n)].tool_calls'. Tool call "
                        + "ids must be unique."
                )
            }
            guard earlier.insert(id).inserted else {
                throw rule(
                    "oc/reused-tool-call-id", "\(path).id '\(id)' is already the id of an earlier call in this request")
            }
            ids.append(id)
        }
        return ids
    }
}
