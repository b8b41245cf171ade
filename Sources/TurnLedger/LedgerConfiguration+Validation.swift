/// Input checks that give a precise error before SQLite would give a vague one.
extension LedgerConfiguration {
    /// - Parameter allowsNUL: Ids the model produced (call ids, tool names) are data and may
    ///   hold anything; ids the caller chooses may not hold NUL, which SQLite clients cut at.
    func checkIdentifier(_ value: String, field: String, allowsNUL: Bool = false) throws {
        if value.isEmpty {
            throw LedgerError.invalidInput(field: field, reason: "must not be empty")
        }
        if !allowsNUL, value.utf8.contains(0) {
            throw LedgerError.invalidInput(field: field, reason: "must not contain a NUL character")
        }
        if value.utf8.first == 0 {  // SQLite's length() stops at a NUL: the schema would see an empty id
            throw LedgerError.invalidInput(field: field, reason: "must not begin with a NUL character")
        }
        if value.utf8.count > maxIdentifierLength {
            throw LedgerError.invalidInput(
                field: field,
                reason: "must be at most \(maxIdentifierLength) bytes, not \(value.utf8.count)"
            )
        }
    }

    func checkIdempotencyKey(_ key: String?) throws {
        if let key { try checkIdentifier(key, field: "idempotencyKey") }
    }

    func checkExpectedSeq(_ seq: Int?) throws {
        if let seq, seq < 1 {
            throw LedgerError.invalidInput(field: "expectedSeq", reason: "must be 1 or more, not \(seq)")
        }
    }

    /// A turn needs at least one call, no more than the limit, and ids unique within the turn.
    func checkCalls(_ calls: [ToolCall]) throws {
        if calls.isEmpty {
            throw LedgerError.invalidInput(
                field: "calls",
                reason: "a turn needs at least one tool call; append an assistant message without calls instead"
            )
        }
        if calls.count > maxCallsPerTurn {
            throw LedgerError.invalidInput(
                field: "calls",
                reason: "a turn may make at most \(maxCallsPerTurn) calls, not \(calls.count)"
            )
        }
        var firstPosition: [String: Int] = [:]
        for (position, call) in calls.enumerated() {
            try checkIdentifier(call.id, field: "calls[\(position)].id", allowsNUL: true)
            try checkIdentifier(call.name, field: "calls[\(position)].name", allowsNUL: true)
            if let first = firstPosition[call.id] {
                throw LedgerError.invalidInput(
                    field: "calls[\(position)].id",
                    reason: "'\(call.id)' is already the id of calls[\(first)]; ids must be unique within a turn"
                )
            }
            firstPosition[call.id] = position
        }
    }

    /// Opaque provider data is embedded verbatim in rendered bodies, so it must be JSON.
    func checkParts(_ parts: [ContentPart]) throws {
        for (index, part) in parts.enumerated() {
            guard case .opaque(let provider, let json) = part else { continue }
            try checkIdentifier(provider, field: "parts[\(index)].provider")
            if !JSONNode.isValidJSON(json) {
                throw LedgerError.invalidInput(
                    field: "parts[\(index)].json", reason: "must be valid JSON, as the provider sent it")
            }
        }
    }
}

extension LedgerConfiguration {
    /// Token counts are never negative; a model name is a non-empty identifier.
    func checkUsage(_ usage: TokenUsage?) throws {
        guard let usage else { return }
        if let model = usage.model { try checkIdentifier(model, field: "usage.model") }
        let counts = [
            ("usage.inputTokens", usage.inputTokens), ("usage.outputTokens", usage.outputTokens),
            ("usage.cachedTokens", usage.cachedTokens), ("usage.reasoningTokens", usage.reasoningTokens),
        ]
        for (field, count) in counts {
            if let count, count < 0 {
                throw LedgerError.invalidInput(field: field, reason: "must be 0 or more, not \(count)")
            }
        }
    }
}
