import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// The four kinds of history the store accepted that once rendered into a provider 400, or left a
/// session with no valid context at all (issue 12).
@Suite struct ProviderAcceptanceTests {
    private func json(_ context: Context) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: context.data) as? [String: Any])
    }

    /// The `tool_use` ids and the `tool_use_id`s of an Anthropic body, in order.
    private func anthropicIDs(_ context: Context) throws -> (uses: [String], results: [String]) {
        let blocks = (try json(context)["messages"] as? [[String: Any]] ?? []).flatMap {
            $0["content"] as? [[String: Any]] ?? []
        }
        return (
            blocks.filter { $0["type"] as? String == "tool_use" }.compactMap { $0["id"] as? String },
            blocks.filter { $0["type"] as? String == "tool_result" }.compactMap { $0["tool_use_id"] as? String }
        )
    }

    private func turn(_ ledger: Ledger, _ session: String, ids: [String], results: [String]? = nil) async throws {
        try await ledger.openTurn(in: session, calls: ids.map { ToolCall(id: $0, name: "fetch", arguments: "{}") })
        for (index, id) in ids.enumerated() {
            try await ledger.recordResult([.text(results?[index] ?? "result of \(id)")], for: id, in: session)
        }
        try await ledger.commitTurn(in: session)
    }

    @Test(arguments: Engine.allCases) func callIDsReusedInEveryTurnAreMadeUniqueAndStayPairedInTheLog(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("Hi")], role: .user, to: "s1")
        for turn in 1...3 { try await self.turn(temp.ledger, "s1", ids: ["call_0"], results: ["turn \(turn)"]) }

        let anthropic = try await temp.ledger.context(for: "s1", format: .anthropic)
        let ids = try anthropicIDs(anthropic)
        #expect(ids.uses == ["call_0", "call_0_t4", "call_0_t6"])
        #expect(ids.results == ids.uses)
        let responses = try json(try await temp.ledger.context(for: "s1", format: .openAIResponses))
        let items = responses["input"] as? [[String: Any]] ?? []
        let pairs = items.filter { $0["type"] as? String == "function_call_output" }.map {
            "\($0["call_id"] ?? "") \($0["output"] ?? "")"
        }
        #expect(pairs == ["call_0 turn 1", "call_0_t4 turn 2", "call_0_t6 turn 3"])
        let chat = try json(try await temp.ledger.context(for: "s1", format: .openAIChat))
        let toolIDs = (chat["messages"] as? [[String: Any]] ?? []).compactMap { $0["tool_call_id"] as? String }
        #expect(toolIDs == ["call_0", "call_0_t4", "call_0_t6"])
        // The log keeps what the model said.
        #expect(try await temp.ledger.entries(in: "s1").compactMap(\.toolCallId) == ["call_0", "call_0", "call_0"])
    }

    @Test(arguments: ["functions.Bash:0", "call with spaces", "вызов", "a/b?c", "call_🙂"])
    func callIDsFromAnotherProviderFitAnthropicsPatternAndRenderTheSameEachTime(id: String) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("Hi")], role: .user, to: "s1")
        try await turn(temp.ledger, "s1", ids: [id, "call_ok"])

        let first = try await temp.ledger.context(for: "s1", format: .anthropic)
        let ids = try anthropicIDs(first)
        #expect(ids.uses.count == 2 && ids.results == ids.uses)
        #expect(ids.uses[0] != id && ids.uses[0].allSatisfy(CallIDMapping.isAnthropicIDCharacter))
        #expect(ids.uses[1] == "call_ok", "an id that fits is sent as it is")
        #expect(try await temp.ledger.context(for: "s1", format: .anthropic).data == first.data)
        // OpenAI and Gemini accept any id: they get it as stored.
        for format in [ProviderFormat.openAIChat, .openAIResponses, .gemini] {
            #expect(try await temp.ledger.context(for: "s1", format: format).body.contains(id.jsonEscaped))
        }
    }

    @Test(arguments: Engine.allCases) func anOrdinaryHistoryKeepsItsIDsInEveryFormat(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        for format in ProviderFormat.allCases {
            let body = try await temp.ledger.context(for: "s1", format: format).body
            for id in [Fixtures.weather.id, Fixtures.wikipedia.id] {
                #expect(body.components(separatedBy: id).count - 1 == 2, "\(format.rawValue) \(id)")
            }
        }
    }

    @Test(arguments: Engine.allCases) func anAssistantMessageFollowedByATurnWithCallsIsOneModelTurnForGemini(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("Weather?")], role: .user, to: "s1")
        try await temp.ledger.append([.text("Let me look it up.")], role: .assistant, to: "s1")
        try await turn(temp.ledger, "s1", ids: ["c1"])
        // A cancelled turn the agent goes on from, then another call.
        try await temp.ledger.openTurn(in: "s1", calls: [ToolCall(id: "c2", name: "fetch", arguments: "{}")])
        try await temp.ledger.cancelTurn(in: "s1")
        try await temp.ledger.append([.text("Trying again.")], role: .assistant, to: "s1")
        try await turn(temp.ledger, "s1", ids: ["c3"])

        let gemini = try json(try await temp.ledger.context(for: "s1", format: .gemini))
        let contents = gemini["contents"] as? [[String: Any]] ?? []
        #expect(
            contents.map { $0["role"] as? String ?? "" } == ["user", "model", "user", "model", "user", "model", "user"])
        let firstModel = contents[1]["parts"] as? [[String: Any]] ?? []
        #expect(firstModel.count == 2 && firstModel[0]["text"] as? String == "Let me look it up.")
        #expect(firstModel[1]["functionCall"] != nil)
        for format in ProviderFormat.allCases { _ = try await temp.ledger.context(for: "s1", format: format) }
    }

    /// s1: user 1, user 2, the turn 3...5, assistant 6; the fork f continues after 6.
    private func forkedAfterATurn(_ ledger: Ledger) async throws {
        try await ledger.createSession(id: "s1")
        try await ledger.append([.text("Hi")], role: .user, to: "s1")
        try await ledger.append([.text("Weather and news?")], role: .user, to: "s1")
        try await turn(ledger, "s1", ids: ["c1", "c2"])
        try await ledger.append([.text("Done.")], role: .assistant, to: "s1")
        try await ledger.fork("s1", at: 6, as: "f")
        try await ledger.append([.text("And tomorrow?")], role: .user, to: "f")
    }

    @Test func aSummaryOnAForkThatSplitsAnInheritedTurnIsRefusedByTheLibraryAndTheSchema() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await forkedAfterATurn(temp.ledger)

        await #expect(
            throws: LedgerError.invalidInput(
                field: "covering",
                reason: "the turn at seq 3 spans 3...5; a summary must cover whole turns")
        ) {
            try await temp.ledger.appendSummary([.text("summary")], covering: 1...4, to: "f")
        }
        await #expect(throws: DatabaseError.self) {
            try await temp.rawConnection(foreignKeys: true).write { db in
                try db.execute(
                    sql: """
                        INSERT INTO entry (sessionKey, seq, role, parts, createdAt, summaryFrom, summaryTo)
                        VALUES ('f', 8, 'user', '[]', '2026-01-01 00:00:00.000', 1, 4)
                        """)
            }
        }
        #expect(try await temp.ledger.entries(in: "f").count == 7)
        // Whole turns are fine, on the fork as on its parent.
        try await temp.ledger.appendSummary([.text("They asked about the weather.")], covering: 1...5, to: "f")
        for format in ProviderFormat.allCases { _ = try await temp.ledger.context(for: "f", format: format) }
    }

    @Test func aStoredSummaryThatSplitsAnInheritedTurnIsNamedByVerifyAndPassedOverByTheContext() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await forkedAfterATurn(temp.ledger)
        // As a database written before the schema checked a fork's inherited turns holds it.
        try temp.insertUncheckedSummary(in: "f", at: 8, covering: 1...4, text: "bad summary")
        let problems = try await temp.ledger.verify().problems
        #expect(
            problems.contains(
                .init(
                    check: "summary_splits_turn",
                    detail: "session 'f' seq 8: the summary of 1...4 splits the turn at seq 3 (inherited from 's1')")))
        for format in ProviderFormat.allCases {
            let context = try await temp.ledger.context(for: "f", format: format)
            #expect(!context.body.contains("bad summary"))
            #expect(context.renderedSeqs.contains(3) && context.renderedSeqs.contains(5))
        }
    }
}

extension String {
    /// The text as it appears inside a JSON string the renderer wrote.
    fileprivate var jsonEscaped: String {
        JSONNode.string(self).text.dropFirst().dropLast().description
    }
}
