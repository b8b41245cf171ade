import Foundation
import Testing

@testable import TurnLedger

/// Thousands of random histories built through the public API, each rendered in all four formats
/// with and without a token budget: none may break a provider rule, and each body renders to the
/// same bytes again. `TURNLEDGER_GENERATED_HISTORIES=N` sets how many per seed (default 50).
@Suite struct GeneratedHistoryTests {
    static let perSeed = Int(ProcessInfo.processInfo.environment["TURNLEDGER_GENERATED_HISTORIES"] ?? "") ?? 50

    @Test(arguments: Engine.allCases, [101, 202, 303, 404] as [UInt64])
    func everyGeneratedHistoryRendersForEveryProviderTheSameEachTime(engine: Engine, seed: UInt64) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        var generator = HistoryGenerator(seed: seed)
        var rendered = 0
        var budgetRefusals = 0
        for index in 0..<Self.perSeed {
            let session = try await generator.build(in: temp.ledger, name: "h\(index)")
            for format in ProviderFormat.allCases {
                for budget in [nil, generator.int(8..<400)] {
                    let context: Context
                    do {
                        context = try await temp.ledger.context(for: session, format: format, maxTokens: budget)
                    } catch LedgerError.contextBudgetTooSmall {
                        budgetRefusals += 1
                        continue
                    } catch {
                        let log = try await temp.ledger.entries(in: session)
                        Issue.record(
                            "\(engine) seed \(seed) \(session) \(format.rawValue) budget \(budget ?? 0): \(error)\n\(log)")
                        return
                    }
                    let again = try await temp.ledger.context(for: session, format: format, maxTokens: budget)
                    #expect(again.data == context.data, "seed \(seed) \(session) \(format.rawValue)")
                    rendered += 1
                }
            }
        }
        #expect(rendered > Self.perSeed * 4)
        #expect(budgetRefusals > 0, "some budgets are too small, so windowing ran at its edge")
        #expect(try await temp.ledger.verify().problems.isEmpty)
    }
}
