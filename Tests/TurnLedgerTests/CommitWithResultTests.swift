import Foundation
import Testing
import TurnLedger

/// `commitTurn(in:withResult:for:)`: the last result and the commit in one transaction.
@Suite struct CommitWithResultTests {
    @Test(arguments: Engine.allCases) func theLastResultAndTheCommitLandTogether(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await ledger.recordResult(
            [.text("HTTP 403 Forbidden")], outcome: .error, for: Fixtures.wikipedia.id, in: "s1")

        let turn = try await ledger.commitTurn(
            in: "s1", withResult: [.text(#"{"temp_C":"-3"}"#)], for: Fixtures.weather.id)

        #expect(turn.isCommitted)
        #expect(turn.seq == 3)
        #expect(turn.results.map(\.callId) == [Fixtures.weather.id, Fixtures.wikipedia.id])
        #expect(turn.results.map(\.outcome) == [.success, .error])
        let entries = try await ledger.entries(in: "s1")
        #expect(entries.map(\.role) == [.system, .user, .assistant, .tool, .tool])
        #expect(entries[3].toolCallId == Fixtures.weather.id)
        #expect(entries[3].parts == [.text(#"{"temp_C":"-3"}"#)])
        #expect(try await ledger.currentTurn(in: "s1") == nil)
        #expect(try await ledger.verify().isClean)
    }

    @Test(arguments: Engine.allCases) func whileOtherCallsWaitNeitherTheResultNorTheCommitLands(_ engine: Engine)
        async throws
    {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia, Fixtures.search])
        try await ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")

        await #expect(throws: LedgerError.unansweredCalls(sessionID: "s1", callIDs: ["call_3"])) {
            try await ledger.commitTurn(in: "s1", withResult: [.text("page")], for: Fixtures.wikipedia.id)
        }

        #expect(try await ledger.entries(in: "s1").count == 2)
        let open = try #require(try await ledger.currentTurn(in: "s1"))
        #expect(open.results.map(\.callId) == [Fixtures.weather.id])  // the refused write recorded nothing
        // The same result recorded on its own now is a first write, not a duplicate.
        try await ledger.recordResult([.text("other page")], for: Fixtures.wikipedia.id, in: "s1")
        let turn = try await ledger.commitTurn(in: "s1", withResult: [.text("found")], for: Fixtures.search.id)
        #expect(turn.results.map(\.parts) == [[.text("ok")], [.text("other page")], [.text("found")]])
    }

    @Test(arguments: Engine.allCases) func sentAgainAfterItLandedItReturnsTheTurnAndWritesNothing(_ engine: Engine)
        async throws
    {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        let first = try await ledger.commitTurn(
            in: "s1", turnSeq: 3, withResult: [.text("18°C")], for: Fixtures.weather.id)

        let again = try await ledger.commitTurn(in: "s1", withResult: [.text("18°C")], for: Fixtures.weather.id)
        let namingItsTurn = try await ledger.commitTurn(
            in: "s1", turnSeq: 3, withResult: [.text("18°C")], for: Fixtures.weather.id)

        #expect(again == first)
        #expect(namingItsTurn == first)
        #expect(try await ledger.entries(in: "s1").count == 4)
        // Another result for the call, or another turn named, is no retry of it.
        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) {
            try await ledger.commitTurn(in: "s1", withResult: [.text("19°C")], for: Fixtures.weather.id)
        }
        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) {
            try await ledger.commitTurn(in: "s1", turnSeq: 7, withResult: [.text("18°C")], for: Fixtures.weather.id)
        }
        #expect(try await ledger.entries(in: "s1").count == 4)
        #expect(try await ledger.verify().isClean)
    }

    @Test(arguments: Engine.allCases) func badInputIsRefusedByNameAndNothingChanges(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) {
            try await ledger.commitTurn(in: "s1", withResult: [.text("x")], for: Fixtures.weather.id)
        }
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        await #expect(throws: LedgerError.unknownCall(sessionID: "s1", callID: "call_9")) {
            try await ledger.commitTurn(in: "s1", withResult: [.text("x")], for: "call_9")
        }
        await #expect(throws: LedgerError.seqConflict(sessionID: "s1", expected: 5, next: 3)) {
            try await ledger.commitTurn(in: "s1", turnSeq: 5, withResult: [.text("x")], for: Fixtures.weather.id)
        }
        await #expect(throws: LedgerError.sessionNotFound("nope")) {
            try await ledger.commitTurn(in: "nope", withResult: [.text("x")], for: Fixtures.weather.id)
        }
        let open = try #require(try await ledger.currentTurn(in: "s1"))
        #expect(open.results.isEmpty)
        #expect(try await ledger.entries(in: "s1").count == 2)
    }

    @Test(arguments: Engine.allCases) func theModelsBytesAreKeptAsTheyCame(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        let call = ToolCall(id: "ид-调用 😀", name: "lookup", arguments: "{not json")
        try await ledger.openTurn(in: "s1", calls: [call])

        let turn = try await ledger.commitTurn(in: "s1", withResult: [], outcome: .error, for: call.id)

        #expect(turn.calls == [call])
        #expect(turn.results.map(\.callId) == [call.id])
        #expect(turn.results.map(\.parts) == [[]])
        #expect(turn.results.map(\.outcome) == [.error])
        let reread = try await ledger.entries(in: "s1")
        #expect(reread.last?.toolCallId == call.id)
        #expect(reread.last?.parts == [])
    }
}
