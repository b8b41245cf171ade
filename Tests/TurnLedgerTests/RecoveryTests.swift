import Foundation
import Testing
import TurnLedger

@Suite struct RecoveryTests {
    @Test func aProcessKilledMidTurnLeavesAnOpenTurnThatRecoverClosesAsInterrupted() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }

        // Given a real agent process killed with SIGKILL after one of three results was recorded
        let child = try ChildProcess.start(
            ChildProcess.productsDirectory.appendingPathComponent("crash-writer"),
            arguments: [temp.path, "s1"])
        try child.waitForLine("ready")
        try child.kill()
        #expect(child.terminationSignal == SIGKILL)

        // When the store is reopened, the open turn is listed with exactly the missing calls
        let ledger = try Ledger(path: temp.path)
        let open = try await ledger.openTurns()
        #expect(open.map(\.sessionId) == ["s1"])
        #expect(open.first?.unansweredCallIds == ["call_a", "call_c"])
        #expect(open.first?.results.map(\.parts) == [[.text("200 OK")]])

        // Then recover closes them as interrupted, and the history reads back complete
        let recovered = try await ledger.recover()
        #expect(recovered.map(\.seq) == [2])
        let entries = try await ledger.entries(in: "s1")
        #expect(entries.map(\.role) == [.user, .assistant, .tool, .tool, .tool])
        #expect(entries.compactMap(\.toolCallId) == ["call_a", "call_b", "call_c"])
        #expect(entries.compactMap(\.outcome) == [.interrupted, .success, .interrupted])
        #expect(entries[2].parts == [.text(Ledger.interruptedResultText)])
        #expect(try await ledger.openTurns().isEmpty)
        #expect(try await ledger.verify().isClean)
        #expect(try await ledger.append([.text("Thanks")], role: .user, to: "s1").seq == 6)
    }

    @Test(arguments: Engine.allCases) func recoverClosesEveryOpenTurnOrOnlyTheNamedOne(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        for id in ["a", "b", "c"] {
            try await Fixtures.startSession(id, in: ledger)
            try await ledger.openTurn(in: id, calls: [Fixtures.weather, Fixtures.wikipedia])
        }
        try await ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "b")

        #expect(try await ledger.recover(sessionID: "a").map(\.sessionId) == ["a"])
        #expect(try await ledger.openTurns().map(\.sessionId) == ["b", "c"])
        let rest = try await ledger.recover()
        #expect(rest.map(\.sessionId) == ["b", "c"])
        #expect(rest[0].results.map(\.outcome) == [.success, .interrupted])
        #expect(try await ledger.recover().isEmpty)
        await #expect(throws: LedgerError.sessionNotFound("zz")) { try await ledger.recover(sessionID: "zz") }
    }

    @Test(arguments: Engine.allCases) func recoverIdleForLeavesTurnsThatWereWrittenToRecently(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        for id in ["busy", "idle", "fresh"] {
            try await ledger.createSession(id: id)
            try await ledger.append([.text("Go")], role: .user, to: id)
        }
        let calls = [ToolCall(id: "a", name: "fetch", arguments: "{}"), ToolCall(id: "b", name: "fetch", arguments: "{}")]
        try await ledger.openTurn(in: "busy", calls: calls)
        try await ledger.openTurn(in: "idle", calls: calls)
        let idleSince = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(2_500))
        // Another process is still at work on these two: a result just now, a turn just opened.
        try await ledger.recordResult([.text("200 OK")], for: "a", in: "busy")
        try await ledger.openTurn(in: "fresh", calls: calls)

        // A threshold 1.25 s short of the idle turn's age: the writes after the sleep are younger
        // than it however long they took on a loaded machine (a fixed 2 s was not, in CI).
        let idleFor = (ContinuousClock.now - idleSince) - .milliseconds(1_250)
        let recovered = try await ledger.recover(idleFor: idleFor)
        #expect(recovered.map(\.sessionId) == ["idle"])
        #expect(try await ledger.entries(in: "idle").compactMap(\.outcome) == [.interrupted, .interrupted])
        #expect(try await ledger.openTurns().map(\.sessionId).sorted() == ["busy", "fresh"])
        #expect(try await ledger.currentTurn(in: "busy")?.results.map(\.callId) == ["a"])

        await #expect(throws: LedgerError.invalidInput(field: "idleFor", reason: "must be zero or more, not -1.0 seconds")) {
            try await ledger.recover(idleFor: .seconds(-1))
        }
        // Zero closes every open turn, as recover without it does.
        #expect(try await ledger.recover(idleFor: .zero).map(\.sessionId).sorted() == ["busy", "fresh"])
        #expect(try await ledger.verify().isClean)
    }

    @Test func aResumedTurnCommitsWithTheResultsRecordedBeforeTheCrash() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await temp.ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")

        let reopened = try Ledger(path: temp.path)
        let turn = try #require(try await reopened.openTurns().first)
        for id in turn.unansweredCallIds {
            try await reopened.recordResult([.text("HTTP 403 Forbidden")], outcome: .error, for: id, in: "s1")
        }
        let committed = try await reopened.commitTurn(in: "s1")
        #expect(committed.results.map(\.outcome) == [.success, .error])
    }
}
