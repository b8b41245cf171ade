import Foundation
import Testing
import TurnLedger

@Suite struct AppendTests {
    @Test(arguments: Engine.allCases) func entriesTakeDenseSeqsFromOne(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        for (index, role) in [Role.system, .developer, .user, .assistant].enumerated() {
            let entry = try await temp.ledger.append([.text("\(role)")], role: role, to: "s1")
            #expect(entry.seq == index + 1)
        }
        #expect(try await temp.ledger.nextSeq(in: "s1") == 5)
    }

    @Test(arguments: Engine.allCases) func whatAnAppendReturnsEqualsWhatReadsBack(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        var written: [Entry] = []
        for index in 0..<300 {
            written.append(try await temp.ledger.append([.text("\(index)")], role: .user, to: "s1"))
        }
        #expect(try await temp.ledger.entries(in: "s1") == written)
    }

    @Test(arguments: Engine.allCases) func aStaleExpectedSeqIsAConflictAndWritesNothing(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("Hi")], role: .user, to: "s1", expectedSeq: 1)
        await #expect(throws: LedgerError.seqConflict(sessionID: "s1", expected: 1, next: 2)) {
            try await temp.ledger.append([.text("late")], role: .user, to: "s1", expectedSeq: 1)
        }
        await #expect(throws: LedgerError.seqConflict(sessionID: "s1", expected: 1, next: 2)) {
            try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather], expectedSeq: 1)
        }
        #expect(try await temp.ledger.entries(in: "s1").count == 1)
    }

    @Test(arguments: Engine.allCases) func aRetriedAppendWithTheSameKeyReturnsTheOriginalAndWritesNothing(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        let first = try await temp.ledger.append([.text("Hi")], role: .user, to: "s1", idempotencyKey: "k1")
        try await temp.ledger.append([.text("Later")], role: .user, to: "s1")

        let retry = try await temp.ledger.append(
            [.text("Hi")], role: .user, to: "s1", expectedSeq: 1, idempotencyKey: "k1")

        #expect(retry == first)
        #expect(try await temp.ledger.entries(in: "s1").count == 2)
    }

    @Test(arguments: Engine.allCases) func theSameKeyWithOtherContentIsAnError(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("Hi")], role: .user, to: "s1", idempotencyKey: "k1")

        await #expect(throws: LedgerError.idempotencyKeyReused(sessionID: "s1", key: "k1")) {
            try await temp.ledger.append([.text("Hello")], role: .user, to: "s1", idempotencyKey: "k1")
        }
        await #expect(throws: LedgerError.idempotencyKeyReused(sessionID: "s1", key: "k1")) {
            try await temp.ledger.append([.text("Hi")], role: .assistant, to: "s1", idempotencyKey: "k1")
        }
        await #expect(throws: LedgerError.idempotencyKeyReused(sessionID: "s1", key: "k1")) {
            try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather], idempotencyKey: "k1")
        }
        #expect(try await temp.ledger.entries(in: "s1").count == 1)
    }

    @Test(arguments: Engine.allCases) func aRetriedOpenTurnReturnsTheTurnAsItStandsOpenOrCommitted(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Fixtures.startSession("s1", in: ledger)
        let opened = try await ledger.openTurn(in: "s1", calls: [Fixtures.weather], idempotencyKey: "turn-1")
        try await ledger.recordResult([.text("ok")], for: Fixtures.weather.id, in: "s1")

        let whileOpen = try await ledger.openTurn(in: "s1", calls: [Fixtures.weather], idempotencyKey: "turn-1")
        #expect(whileOpen.seq == opened.seq)
        #expect(whileOpen.results.map(\.callId) == [Fixtures.weather.id])
        #expect(!whileOpen.isCommitted)

        try await ledger.commitTurn(in: "s1")
        let afterCommit = try await ledger.openTurn(in: "s1", calls: [Fixtures.weather], idempotencyKey: "turn-1")
        #expect(afterCommit.isCommitted)
        #expect(afterCommit.seq == opened.seq)
        #expect(try await ledger.entries(in: "s1").count == 4)
        await #expect(throws: LedgerError.idempotencyKeyReused(sessionID: "s1", key: "turn-1")) {
            try await ledger.openTurn(in: "s1", calls: [Fixtures.wikipedia], idempotencyKey: "turn-1")
        }
    }

    @Test(arguments: Engine.allCases) func badInputIsRefusedWithTheFieldNamed(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine) {
            $0.maxCallsPerTurn = 2; $0.maxIdentifierLength = 8
        }
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")

        await #expect(throws: LedgerError.invalidInput(field: "id", reason: "must not be empty")) {
            try await ledger.createSession(id: "")
        }
        await #expect(throws: LedgerError.invalidInput(field: "id", reason: "must be at most 8 bytes, not 9")) {
            try await ledger.createSession(id: "123456789")
        }
        await #expect(throws: LedgerError.sessionAlreadyExists("s1")) { try await ledger.createSession(id: "s1") }
        await #expect(throws: LedgerError.sessionNotFound("nope")) {
            try await ledger.append([.text("Hi")], role: .user, to: "nope")
        }
        await #expect(throws: LedgerError.invalidInput(field: "parts", reason: "a user message needs content")) {
            try await ledger.append([], role: .user, to: "s1")
        }
        await #expect(
            throws: LedgerError.invalidInput(
                field: "role", reason: "tool results are recorded into an open turn, not appended")
        ) {
            try await ledger.append([.text("x")], role: .tool, to: "s1")
        }
        await #expect(throws: LedgerError.invalidInput(field: "expectedSeq", reason: "must be 1 or more, not 0")) {
            try await ledger.append([.text("x")], role: .user, to: "s1", expectedSeq: 0)
        }
        await #expect(
            throws: LedgerError.invalidInput(
                field: "calls",
                reason: "a turn needs at least one tool call; append an assistant message without calls instead")
        ) {
            try await ledger.openTurn(in: "s1", calls: [])
        }
        let call = ToolCall(id: "c", name: "f", arguments: "{}")
        let tooMany = (0..<3).map { ToolCall(id: "c\($0)", name: "f", arguments: "") }
        await #expect(
            throws: LedgerError.invalidInput(field: "calls", reason: "a turn may make at most 2 calls, not 3")
        ) {
            try await ledger.openTurn(in: "s1", calls: tooMany)
        }
        await #expect(throws: LedgerError.invalidInput(field: "calls[1].name", reason: "must not be empty")) {
            try await ledger.openTurn(in: "s1", calls: [call, ToolCall(id: "d", name: "", arguments: "")])
        }
        await #expect(
            throws: LedgerError.invalidInput(
                field: "parts[1].json", reason: "must be valid JSON, as the provider sent it")
        ) {
            try await ledger.append(
                [.text("x"), .opaque(provider: "gemini", json: "{oops")], role: .assistant, to: "s1")
        }
        // An assistant message may be empty: what the model said is data.
        #expect(try await ledger.append([], role: .assistant, to: "s1").seq == 1)
        #expect(try await ledger.entries(in: "s1").count == 1)
    }
}
