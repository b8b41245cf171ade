import Foundation
import Testing
import TurnLedger

@Suite struct NulTextTests {
    @Test(arguments: Engine.allCases) func textsCallIdsAndArgumentsWithNULCharactersRoundTripAndCallerIdsRefuseThem(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        await #expect(throws: LedgerError.invalidInput(field: "id", reason: "must not contain a NUL character")) {
            try await temp.ledger.createSession(id: "s\u{0}1")
        }
        let id = "s1"
        try await temp.ledger.createSession(id: id)
        try await temp.ledger.append([.text("before\u{0}after")], role: .user, to: id)
        try await temp.ledger.openTurn(
            in: id, calls: [ToolCall(id: "call\u{0}0", name: "f", arguments: "{\"a\":\"\u{0}\"}")])
        try await temp.ledger.recordResult([.text("x\u{0}y")], for: "call\u{0}0", in: id)
        try await temp.ledger.commitTurn(in: id)
        let entries = try await temp.ledger.entries(in: id)
        #expect(entries.map(\.parts) == [[.text("before\u{0}after")], [], [.text("x\u{0}y")]])
        #expect(entries[1].toolCalls.first?.id == "call\u{0}0")
        #expect(entries[1].toolCalls.first?.arguments == "{\"a\":\"\u{0}\"}")
    }

    /// Found by the fuzz test: SQLite's length() stops at a NUL, so the schema's CHECK saw an
    /// id that begins with one as empty and the raw constraint error reached the caller.
    @Test(arguments: Engine.allCases) func aCallIdOrToolNameThatBeginsWithNULIsRefusedNamingTheField(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        await #expect(
            throws: LedgerError.invalidInput(field: "calls[1].id", reason: "must not begin with a NUL character")
        ) {
            try await temp.ledger.openTurn(
                in: "s1",
                calls: [
                    ToolCall(id: "a", name: "f", arguments: "{}"), ToolCall(id: "\u{0}b", name: "f", arguments: "{}"),
                ])
        }
        await #expect(
            throws: LedgerError.invalidInput(field: "calls[0].name", reason: "must not begin with a NUL character")
        ) {
            try await temp.ledger.openTurn(in: "s1", calls: [ToolCall(id: "a", name: "\u{0}", arguments: "{}")])
        }
        #expect(try await temp.ledger.currentTurn(in: "s1") == nil)
        #expect(try await temp.ledger.verify().isClean)
    }
}
