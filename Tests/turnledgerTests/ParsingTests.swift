import ArgumentParser
import Testing
import TurnLedger

@testable import turnledger

@Suite struct ParsingTests {
    @Test func appendTakesRoleAndTextOrJSON() throws {
        let byText = try AppendCommand.parse(["s1", "--role", "user", "--text", "Hi"])
        #expect(byText.session == "s1")
        #expect(byText.role == .user)
        let byJSON = try AppendCommand.parse(["s1", "--json", #"{"role":"user","content":"Hi"}"#])
        #expect(byJSON.json != nil)
    }

    @Test(arguments: [
        ["s1"],
        ["s1", "--text", "Hi"],
        ["s1", "--role", "user", "--text", "Hi", "--json", "{}"],
        ["s1", "--role", "tool", "--text", "Hi"],
    ])
    func appendRefusesIncompleteOrConflictingOptions(arguments: [String]) {
        #expect(throws: (any Error).self) { try AppendCommand.parse(arguments) }
    }

    @Test func anUnknownRoleIsAParseError() {
        #expect(throws: (any Error).self) { try AppendCommand.parse(["s1", "--role", "narrator", "--text", "Hi"]) }
    }

    @Test func metadataMustBeAJSONObject() throws {
        #expect(throws: (any Error).self) { try SessionsCommand.Create.parse(["s1", "--metadata", "[1]"]) }
        let create = try SessionsCommand.Create.parse(["s1", "--metadata", #"{"user":"42"}"#])
        #expect(try create.parsedMetadata() == ["user": "42"])
    }

    @Test func theDbOptionIsOptionalAndNamesTheFile() throws {
        let options = try LedgerOptions.parse([])
        #expect(options.db == nil)
        #expect(try LedgerOptions.parse(["--db", "/tmp/x.sqlite"]).path == "/tmp/x.sqlite")
    }
}
