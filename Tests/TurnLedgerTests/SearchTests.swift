import Foundation
import Testing
import TurnLedger

@Suite struct SearchTests {
    @Test(arguments: Engine.allCases) func findsRussianJapaneseAndEnglishTextArgumentsAndResults(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)

        let russian = try await temp.ledger.search(SearchQuery("погода"))  // the question and a search argument
        let japanese = try await temp.ledger.search(SearchQuery("東京"))
        let sunny = try await temp.ledger.search(SearchQuery("晴れ"))
        let forbidden = try await temp.ledger.search(SearchQuery("forbidden"))

        #expect(Set(russian.map(\.kind)) == [.message])
        #expect(russian.first?.snippet.contains("[погода]") == true)
        #expect(Set(japanese.map(\.kind)) == [.message, .arguments])
        #expect(japanese.first { $0.kind == .arguments }?.toolName == "weather")
        #expect(japanese.contains { $0.snippet.contains("[東京]") })
        #expect(sunny.map(\.seq) == [9] && sunny.first?.role == .tool && sunny.first?.toolName == "weather")
        #expect(forbidden.map(\.seq) == [5])
        #expect(forbidden.first?.kind == .result)
        #expect(forbidden.first?.snippet == "HTTP 403 [Forbidden]")
    }

    @Test(arguments: Engine.allCases) func filtersBySessionTenantRoleAndTool(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger, id: "s1")
        try await temp.ledger.createSession(id: "g1", tenant: "globex")
        try await temp.ledger.append([.text("Tokyo weather please")], role: .user, to: "g1")

        let tokyo = try await temp.ledger.search(SearchQuery("tokyo"))
        let inG1 = try await temp.ledger.search(SearchQuery("tokyo", sessionId: "g1"))
        let globex = try await temp.ledger.search(SearchQuery("tokyo", tenant: "globex"))
        let assistant = try await temp.ledger.search(SearchQuery("tokyo", roles: [.assistant]))
        let fetches = try await temp.ledger.search(SearchQuery("wikipedia", toolName: "fetch"))

        #expect(Set(tokyo.map(\.sessionId)) == ["s1", "g1"])
        #expect(inG1.map(\.sessionId) == ["g1"] && globex.map(\.sessionId) == ["g1"])
        #expect(assistant.map(\.seq) == [13])
        #expect(fetches.map(\.kind) == [.arguments])
    }

    @Test(arguments: Engine.allCases) func aForkSearchesItsInheritedPrefixButNotItsParentsLaterEntries(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        try await temp.ledger.fork("s1", at: 5, as: "f")
        try await temp.ledger.append([.text("Москва later")], role: .user, to: "s1")

        let hits = try await temp.ledger.search(SearchQuery("москве", sessionId: "f"))

        #expect(hits.map(\.seq) == [2])  // the question; the parent's seq 6 answer is after the fork
        #expect(hits.first?.sessionId == "f")
    }

    @Test(arguments: Engine.allCases) func onlyCommittedTextIsFoundAndQueriesArePlainWords(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.openTurn(in: "s1", calls: [ToolCall(id: "c", name: "t", arguments: #"{"q":"zebra"}"#)])
        try await temp.ledger.recordResult([.text("zebra stripes")], for: "c", in: "s1")
        #expect(try await temp.ledger.search(SearchQuery("zebra")).isEmpty)

        try await temp.ledger.commitTurn(in: "s1")
        #expect(try await temp.ledger.search(SearchQuery("zebra")).count == 2)
        // FTS5 syntax is plain text: no error, no operator.
        #expect(try await temp.ledger.search(SearchQuery(#"zebra" OR "x"#)).isEmpty)
        #expect(try await temp.ledger.search(SearchQuery("NEAR(zebra")).count == 0)
        await #expect(throws: LedgerError.invalidInput(field: "text", reason: "must hold at least one word")) {
            try await temp.ledger.search(SearchQuery("   "))
        }
    }
}
