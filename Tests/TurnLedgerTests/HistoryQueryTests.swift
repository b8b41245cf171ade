import Foundation
import Testing
import TurnLedger

@Suite struct HistoryQueryTests {
    @Test(arguments: Engine.allCases) func asOfASeqGivesTheHistoryExactlyAsItStoodThen(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        let all = try await temp.ledger.entries(in: "s1")

        let atTwo = try await temp.ledger.entries(in: "s1", asOf: 2)
        let atFive = try await temp.ledger.entries(in: "s1", asOf: 5)

        #expect(atTwo == Array(all.prefix(2)))
        #expect(atFive == Array(all.prefix(5)))
        await #expect(throws: LedgerError.seqInsideTurn(sessionID: "s1", seq: 3, turn: 3...5)) {
            try await temp.ledger.entries(in: "s1", asOf: 3)
        }
        await #expect(
            throws: LedgerError.invalidInput(
                field: "seq", reason: "0 is not in the log of session 's1', which holds 1...6")
        ) {
            try await temp.ledger.entries(in: "s1", asOf: 0)
        }
    }

    @Test(arguments: Engine.allCases) func pagesWalkTheLogInWholeTurns(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)  // 13 seqs: turns at 3 (2 calls), 8 (2 calls), 11 (1 call)
        let all = try await temp.ledger.entries(in: "s1")

        var pages: [[Int]] = []
        var after = 0
        while true {
            let page = try await temp.ledger.entries(in: "s1", after: after, limit: 3)
            pages.append(page.entries.map(\.seq))
            guard let next = page.nextAfter else { break }
            after = next
        }

        #expect(pages == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13]])
        #expect(pages.flatMap { $0 } == all.map(\.seq))
        let empty = try await temp.ledger.entries(in: "s1", after: 13, limit: 3)
        #expect(empty.entries.isEmpty && empty.nextAfter == nil)
        await #expect(throws: LedgerError.invalidInput(field: "limit", reason: "must be 1 or more, not 0")) {
            try await temp.ledger.entries(in: "s1", after: 0, limit: 0)
        }
    }

    @Test(arguments: Engine.allCases) func aSeqRangeNeverCutsATurn(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Scenario.everything(temp.ledger)

        let range = try await temp.ledger.entries(in: "s1", seqs: 6...8)

        #expect(range.map(\.seq) == [6, 7, 8, 9, 10])
        #expect(range.last?.role == .tool)
        await #expect(throws: LedgerError.sessionNotFound("nope")) {
            try await temp.ledger.entries(in: "nope", seqs: 1...2)
        }
    }
}
