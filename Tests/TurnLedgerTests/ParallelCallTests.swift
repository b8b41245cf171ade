import Foundation
import Testing
import TurnLedger

@Suite struct ParallelCallTests {
    @Test(arguments: Engine.allCases) func aPermanentErrorBesideASuccessIsStoredAndCommitsInCallOrder(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])

        // The 403 arrives first; the 200 second.
        try await ledger.recordResult(
            [.text("HTTP 403 Forbidden")], outcome: .error, for: Fixtures.wikipedia.id, in: "s1")
        try await ledger.recordResult([.text(#"{"temp_C":"-3"}"#)], for: Fixtures.weather.id, in: "s1")
        let turn = try await ledger.commitTurn(in: "s1")

        #expect(turn.isCommitted)
        #expect(turn.seq == 3)
        let entries = try await ledger.entries(in: "s1")
        #expect(entries.map(\.role) == [.system, .user, .assistant, .tool, .tool])
        #expect(entries.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(entries[2].toolCalls == [Fixtures.weather, Fixtures.wikipedia])
        #expect(entries[3].toolCallId == Fixtures.weather.id)
        #expect(entries[3].outcome == .success)
        #expect(entries[4].toolCallId == Fixtures.wikipedia.id)
        #expect(entries[4].outcome == .error)
        #expect(entries[4].parts == [.text("HTTP 403 Forbidden")])
        #expect(try await ledger.currentTurn(in: "s1") == nil)
        #expect(try await ledger.verify().isClean)
    }

    @Test(arguments: Engine.allCases) func commitWithAMissingResultNamesItAndChangesNothing(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia, Fixtures.search])
        try await ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")

        await #expect(throws: LedgerError.unansweredCalls(sessionID: "s1", callIDs: [Fixtures.wikipedia.id, "call_3"]))
        {
            try await ledger.commitTurn(in: "s1")
        }

        #expect(try await ledger.entries(in: "s1").count == 2)
        let open = try #require(try await ledger.currentTurn(in: "s1"))
        #expect(open.results.map(\.callId) == [Fixtures.weather.id])
        #expect(open.unansweredCallIds == [Fixtures.wikipedia.id, "call_3"])
    }

    @Test(arguments: Engine.allCases) func appendingWhileATurnIsOpenFailsAndNamesTheOpenCalls(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")

        let error = LedgerError.openTurnPending(sessionID: "s1", seq: 3, unansweredCallIDs: [Fixtures.wikipedia.id])
        await #expect(throws: error) {
            try await ledger.append([.text("You attempted to help...")], role: .user, to: "s1")
        }
        #expect(error.description.contains(Fixtures.wikipedia.id))
        // A second turn cannot be opened over the first either.
        await #expect(throws: error) {
            try await ledger.openTurn(in: "s1", calls: [ToolCall(id: "call_9", name: "x", arguments: "{}")])
        }
        #expect(try await ledger.entries(in: "s1").count == 2)
    }

    @Test(arguments: Engine.allCases) func resultsFromConcurrentTasksInAnyOrderAreAllKept(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        let calls = (0..<24).map { ToolCall(id: "call_\($0)", name: "tool\($0 % 3)", arguments: #"{"n":\#($0)}"#) }
        try await ledger.openTurn(in: "s1", calls: calls)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for call in calls.shuffled() {
                group.addTask {
                    try await ledger.recordResult([.text("result of \(call.id)")], for: call.id, in: "s1")
                }
            }
            try await group.waitForAll()
        }
        try await ledger.commitTurn(in: "s1")

        let results = try await ledger.entries(in: "s1").filter { $0.role == .tool }
        #expect(results.map(\.toolCallId) == calls.map(\.id))
        #expect(results.map(\.parts) == calls.map { [.text("result of \($0.id)")] })
        #expect(results.map(\.seq) == Array(4..<28))
    }

    @Test(arguments: Engine.allCases) func aSecondResultForTheSameCallIsRefusedAndTheFirstIsKept(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        try await ledger.recordResult([.text("first")], for: Fixtures.weather.id, in: "s1")

        await #expect(throws: LedgerError.duplicateResult(sessionID: "s1", callID: Fixtures.weather.id)) {
            try await ledger.recordResult([.text("second")], outcome: .error, for: Fixtures.weather.id, in: "s1")
        }

        try await ledger.commitTurn(in: "s1")
        let result = try #require(try await ledger.entries(in: "s1").last)
        #expect(result.parts == [.text("first")])
        #expect(result.outcome == .success)
    }

    @Test(arguments: Engine.allCases) func theSameResultAgainIsARetryThatReturnsTheFirstBeforeAndAfterTheCommit(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        let first = try await ledger.recordResult([.text("18°C")], for: Fixtures.weather.id, in: "s1")
        let retried = try await ledger.recordResult([.text("18°C")], for: Fixtures.weather.id, in: "s1")
        #expect(retried == first)  // the stored result, its time included
        try await ledger.recordResult([.text("403")], outcome: .error, for: Fixtures.wikipedia.id, in: "s1")
        try await ledger.commitTurn(in: "s1")

        // The response of the last result was lost, the client retries after the commit: it landed.
        let late = try await ledger.recordResult([.text("403")], outcome: .error, for: Fixtures.wikipedia.id, in: "s1")
        #expect(late.recordedAt <= Date() && late.parts == [.text("403")])
        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) {
            try await ledger.recordResult([.text("other")], for: Fixtures.wikipedia.id, in: "s1")
        }
        #expect(try await ledger.entries(in: "s1").count == 5)  // nothing written twice
        #expect(try await ledger.verify().problems == [])
    }

    @Test(arguments: Engine.allCases) func aCommitNamingItsTurnIsARetryThatReturnsItOnceItLanded(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        let opened = try await ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        try await ledger.recordResult([.text("18°C")], for: Fixtures.weather.id, in: "s1")
        await #expect(throws: LedgerError.seqConflict(sessionID: "s1", expected: 99, next: opened.seq)) {
            try await ledger.commitTurn(in: "s1", turnSeq: 99)
        }
        let committed = try await ledger.commitTurn(in: "s1", turnSeq: opened.seq)
        // The response was lost; the retry learns the turn landed, and nothing is written again.
        let retried = try await ledger.commitTurn(in: "s1", turnSeq: opened.seq)
        #expect(retried == committed && retried.isCommitted)
        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) { try await ledger.commitTurn(in: "s1") }
        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) {
            try await ledger.commitTurn(in: "s1", turnSeq: 1)  // not a turn with calls
        }
        #expect(try await ledger.entries(in: "s1").count == 4)
    }

    @Test(arguments: Engine.allCases) func aResultForAnUnknownCallIsRefused(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)

        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) {
            try await ledger.recordResult([.text("x")], for: "call_nobody", in: "s1")
        }
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather])
        await #expect(throws: LedgerError.unknownCall(sessionID: "s1", callID: "call_nobody")) {
            try await ledger.recordResult([.text("x")], for: "call_nobody", in: "s1")
        }
        await #expect(throws: LedgerError.sessionNotFound("nope")) {
            try await ledger.recordResult([.text("x")], for: Fixtures.weather.id, in: "nope")
        }
        #expect(try await ledger.currentTurn(in: "s1")?.results == [])
    }

    @Test(arguments: Engine.allCases) func cancelAnswersOnlyTheUnansweredCallsAsCancelled(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        try await ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia, Fixtures.search])
        try await ledger.recordResult(
            [.text("HTTP 403 Forbidden")], outcome: .error, for: Fixtures.wikipedia.id, in: "s1")

        let turn = try await ledger.cancelTurn(in: "s1", reason: "The user pressed stop.")

        #expect(turn.results.map(\.outcome) == [.cancelled, .error, .cancelled])
        let tools = try await ledger.entries(in: "s1").filter { $0.role == .tool }
        #expect(tools.map(\.outcome) == [.cancelled, .error, .cancelled])
        #expect(
            tools.map(\.parts) == [
                [.text("The user pressed stop.")], [.text("HTTP 403 Forbidden")], [.text("The user pressed stop.")],
            ])
        // The session takes appends again.
        let next = try await ledger.append([.text("Go on")], role: .user, to: "s1")
        #expect(next.seq == 7)
        await #expect(throws: LedgerError.noOpenTurn(sessionID: "s1")) { try await ledger.cancelTurn(in: "s1") }
    }

    @Test(arguments: Engine.allCases) func theSameCallIdInTwoTurnsOfOneSessionWorks(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        for answer in ["first", "second"] {
            try await ledger.openTurn(in: "s1", calls: [ToolCall(id: "call_0", name: "clock", arguments: "{}")])
            try await ledger.recordResult([.text(answer)], for: "call_0", in: "s1")
            try await ledger.commitTurn(in: "s1")
        }

        let tools = try await ledger.entries(in: "s1").filter { $0.role == .tool }
        #expect(tools.map(\.toolCallId) == ["call_0", "call_0"])
        #expect(tools.map(\.parts) == [[.text("first")], [.text("second")]])
        #expect(tools.map(\.seq) == [4, 6])
        #expect(try await ledger.verify().isClean)
    }

    @Test(arguments: Engine.allCases) func theSameCallIdTwiceInOneTurnIsInvalid(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        let call = ToolCall(id: "call_0", name: "clock", arguments: "{}")

        await #expect(
            throws: LedgerError.invalidInput(
                field: "calls[1].id",
                reason: "'call_0' is already the id of calls[0]; ids must be unique within a turn"
            )
        ) {
            try await temp.ledger.openTurn(in: "s1", calls: [call, call])
        }
        #expect(try await temp.ledger.currentTurn(in: "s1") == nil)
    }
}
