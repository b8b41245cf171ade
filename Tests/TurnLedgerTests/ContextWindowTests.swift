import Foundation
import Testing
import TurnLedger

@Suite struct ContextWindowTests {
    /// One token per entry: budgets count entries.
    private let perEntry = TokenCounter { _ in 1 }

    @Test(arguments: ProviderFormat.allCases)
    func aBudgetThatWouldSplitACallFromItsResultDropsTheWholeTurn(format: ProviderFormat) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        // 1 system, 2 user, 3 assistant + 4, 5 results, 6 assistant
        try await Scenario.parallelCallsWithAnError(temp.ledger)

        // 4 entries fit beside the system prompt: the turn 3...5 would be cut at 4, so it goes whole,
        // and the window starts at no orphan result.
        let context = try await temp.ledger.context(for: "s1", format: format, maxTokens: 3, tokenCounter: perEntry)

        #expect(context.renderedSeqs == [1, 6])
        #expect(context.omittedSeqs == [2...5])
        #expect(context.estimatedTokens == 2)
        _ = try ParsedBody(context)
    }

    @Test(arguments: Engine.allCases) func theWindowKeepsTheNewestWholeStepsAndStartsAtAUserMessage(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        try await temp.ledger.append([.text("And tomorrow?")], role: .user, to: "s1")
        try await temp.ledger.append([.text("Snow again.")], role: .assistant, to: "s1")

        let wide = try await temp.ledger.context(for: "s1", format: .openAIChat, maxTokens: 7, tokenCounter: perEntry)
        #expect(wide.renderedSeqs == [1, 7, 8])  // 3...6 fit too but start with the assistant: cut at the user
        let all = try await temp.ledger.context(for: "s1", format: .openAIChat, maxTokens: 8, tokenCounter: perEntry)
        #expect(all.renderedSeqs == Array(1...8))
        #expect(all.omittedSeqs == [])
    }

    @Test(arguments: Engine.allCases) func aBudgetSmallerThanThePrefixAndTheNewestStepIsAnError(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)

        await #expect(throws: LedgerError.contextBudgetTooSmall(maxTokens: 1, needed: 2)) {
            try await temp.ledger.context(for: "s1", format: .anthropic, maxTokens: 1, tokenCounter: perEntry)
        }
        await #expect(throws: LedgerError.invalidInput(field: "maxTokens", reason: "must be 1 or more, not 0")) {
            try await temp.ledger.context(for: "s1", format: .anthropic, maxTokens: 0)
        }
        await #expect(throws: LedgerError.sessionNotFound("nope")) {
            try await temp.ledger.context(for: "nope", format: .gemini)
        }
    }

    @Test func theDefaultEstimateCountsBytesOverFour() {
        let entry = Entry(
            sessionId: "s", seq: 1, role: .user, parts: [.text(String(repeating: "a", count: 40))], createdAt: Date())
        #expect(TokenCounter.estimate.count(entry) == 14)
    }

    @Test(arguments: ProviderFormat.allCases)
    func aCompactedSessionRendersThePrefixTheNewestSummaryAndWhatFollows(format: ProviderFormat) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)  // 1...6
        try await temp.ledger.appendSummary([.text("Old summary.")], covering: 2...2, to: "s1")  // 7
        try await temp.ledger.append([.text("Thanks. And Paris?")], role: .user, to: "s1")  // 8
        try await temp.ledger.appendSummary(
            [.text("Moscow: -3°C; Wikipedia refused (403).")], covering: 2...6, to: "s1")  // 9
        try await temp.ledger.append([.text("Paris is 9°C.")], role: .assistant, to: "s1")  // 10

        let context = try await temp.ledger.context(for: "s1", format: format)

        #expect(context.renderedSeqs == [1, 9, 7, 8, 10])
        #expect(context.omittedSeqs == [2...6])
        #expect(context.body.contains("Moscow: -3°C; Wikipedia refused (403)."))
        #expect(!context.body.contains("HTTP 403 Forbidden"))
        // Compaction keeps everything in the log.
        #expect(try await temp.ledger.entries(in: "s1").count == 10)
    }

    @Test(arguments: Engine.allCases) func aSummaryThatSplitsATurnOrReachesPastTheLogIsRefused(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)  // turn at 3...5

        await #expect(
            throws: LedgerError.invalidInput(
                field: "covering", reason: "the turn at seq 3 spans 3...5; a summary must cover whole turns")
        ) {
            try await temp.ledger.appendSummary([.text("x")], covering: 1...4, to: "s1")
        }
        await #expect(
            throws: LedgerError.invalidInput(
                field: "covering", reason: "the turn at seq 3 spans 3...5; a summary must cover whole turns")
        ) {
            try await temp.ledger.appendSummary([.text("x")], covering: 5...6, to: "s1")
        }
        await #expect(
            throws: LedgerError.invalidInput(
                field: "covering", reason: "2...7 is not in the log, which ends at seq 6")
        ) {
            try await temp.ledger.appendSummary([.text("x")], covering: 2...7, to: "s1")
        }
        #expect(try await temp.ledger.entries(in: "s1").count == 6)
    }
}
