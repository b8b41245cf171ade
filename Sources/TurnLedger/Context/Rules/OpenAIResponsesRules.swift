/// The error rules of the OpenAI Responses API that a body can be checked against
/// (`../shared/provider-rules.md`, section 2), plus two warnings the renderer avoids: outputs
/// right after their calls (`or/interleaved-items`) and one output per call (`or/duplicate-output`).
enum OpenAIResponsesRules {
    private static let roles: Set<String> = ["user", "assistant", "system", "developer"]
    private static let callOutputs = [
        "function_call": "function_call_output", "custom_tool_call": "custom_tool_call_output",
    ]

    static func check(_ body: JSONNode) throws {
        let rule = ProviderFormat.openAIResponses.violation
        guard let nodes = body.resolved["input"]?.array else {
            throw rule("input/shape", "Missing required parameter: 'input'.")
        }
        let items = nodes.map(\.resolved)
        var itemIDs: [String: Int] = [:]
        var calls: [String: Int] = [:]
        var pending: [String] = []  // calls of the current group still without output
        var outputs: Set<String> = []
        for (n, item) in items.enumerated() {
            guard item.kind == "object" else {
                throw rule(
                    "or/item-shape", "Invalid type for 'input[\(n)]': expected an object, but got \(item.kind) instead."
                )
            }
            if let id = item["id"]?.string {
                if itemIDs[id] != nil {
                    throw rule(
                        "or/duplicate-item-id",
                        "Duplicate item found with id \(id). Remove duplicate items from your input and try again.")
                }
                itemIDs[id] = n
            }
            guard let type = item["type"]?.string ?? (item.has("role") ? "message" : nil) else {
                throw rule("or/item-shape", "Missing required parameter: 'input[\(n)].type'.")
            }
            let isOutput = callOutputs.values.contains(type)
            if !pending.isEmpty, !isOutput, callOutputs[type] == nil {
                throw rule("or/interleaved-items", "No tool output found for function call \(pending[0]).")
            }
            switch type {
            case "message":
                try checkMessage(item, at: n)
            case "function_call", "custom_tool_call":
                let input = type == "function_call" ? "arguments" : "input"
                guard let id = item["call_id"]?.nonEmptyString else {
                    throw rule("or/call-shape", "Missing required parameter: 'input[\(n)].call_id'.")
                }
                guard item["name"]?.nonEmptyString != nil else {
                    throw rule("or/call-shape", "Missing required parameter: 'input[\(n)].name'.")
                }
                guard let arguments = item[input], arguments.kind == "string" else {
                    throw rule(
                        "or/call-shape",
                        "Invalid type for 'input[\(n)].\(input)': expected a string, "
                            + "but got \(item[input]?.kind ?? "nothing") instead."
                    )
                }
                if let first = calls[id] {
                    throw rule("or/duplicate-call-id", "Duplicate 'call_id': \(id) (also input[\(first)]).")
                }
                calls[id] = n
                pending.append(id)
            case _ where isOutput:
                guard let id = item["call_id"]?.string else {
                    throw rule("or/call-shape", "Missing required parameter: 'input[\(n)].call_id'.")
                }
                guard let output = item["output"], ["string", "array"].contains(output.kind) else {
                    throw rule("or/call-shape", "Missing required parameter: 'input[\(n)].output'.")
                }
                guard calls[id] != nil else {
                    let later = items[(n + 1)...].contains {
                        callOutputs[$0["type"]?.string ?? ""] != nil && $0["call_id"]?.string == id
                    }
                    throw rule(
                        later ? "or/output-before-call" : "or/orphan-output",
                        "No tool call found for function call output with call_id \(id).")
                }
                guard outputs.insert(id).inserted else {
                    throw rule("or/duplicate-output", "input[\(n)] is a second output for call_id \(id)")
                }
                pending.removeAll { $0 == id }
            case "reasoning":
                let next = items.indices.contains(n + 1) ? items[n + 1] : nil
                let nextType = next?["type"]?.string ?? (next?.has("role") == true ? "message" : "")
                let nextRole = next?["role"]?.string ?? ""
                if next == nil || nextType.hasSuffix("_output") || (nextType == "message" && nextRole != "assistant") {
                    throw rule(
                        "or/reasoning-without-following",
                        "Item '\(item["id"]?.string ?? "")' of type 'reasoning' was provided "
                            + "without its required following item."
                    )
                }
            default:
                break  // hosted-tool items and references: not this check's business
            }
        }
        if let id = calls.filter({ !outputs.contains($0.key) }).min(by: { $0.value < $1.value })?.key {
            throw rule("or/missing-output", "No tool output found for function call \(id).")
        }
    }

    private static func checkMessage(_ item: JSONNode, at n: Int) throws {
        let rule = ProviderFormat.openAIResponses.violation
        let role = item["role"]?.string ?? ""
        guard roles.contains(role) else {
            throw rule(
                "or/invalid-role",
                "Invalid value: '\(role)'. Supported values are: 'user', 'assistant', 'system', and 'developer'.")
        }
        guard let content = item["content"]?.resolved, ["string", "array"].contains(content.kind) else {
            throw rule("or/item-shape", "Missing required parameter: 'input[\(n)].content'.")
        }
        guard role == "assistant" else { return }
        for (k, part) in (content.array ?? []).enumerated() {
            let type = part.resolved["type"]?.string ?? ""
            guard type == "output_text" || type == "refusal" else {
                throw rule(
                    "or/assistant-content-type",
                    "Invalid value: '\(type)'. Supported values are: 'output_text' and 'refusal'. "
                        + "(input[\(n)].content[\(k)])"
                )
            }
        }
    }
}
