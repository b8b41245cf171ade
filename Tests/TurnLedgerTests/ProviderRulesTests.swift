import Foundation
import Testing

@testable import TurnLedger

/// The builder's own checks refuse what the providers would answer with a 400.
@Suite struct ProviderRulesTests {
    /// Each error rule of provider-rules.md that a body can show (and the warnings the renderer
    /// avoids), with a body that breaks it and nothing else: the check names that rule.
    @Test(arguments: BrokenBody.all)
    func theCheckNamesTheRuleABrokenBodyBreaks(_ broken: BrokenBody) throws {
        let body = try #require(JSONNode(parsing: broken.json), "the test body is JSON")
        let error = #expect(throws: LedgerError.self) { try broken.format.check(body) }
        guard case .contextRuleViolated(let format, let rule, let detail) = try #require(error) else {
            Issue.record("not a rule violation: \(String(describing: error))")
            return
        }
        #expect(format == broken.format.rawValue)
        #expect(rule == broken.rule, "\(detail)")
        #expect(!detail.isEmpty)
        #expect(!detail.contains(".-1"), "a location names a real message: \(detail)")
    }

    @Test func everyRuleOfTheReferenceIsCheckedOrNamedAsUndecidable() throws {
        // The rule ids in provider-rules.md marked "error", against the ones the tests break and
        // the ones docs/providers.md names as not decidable from a body.
        let reference = try String(contentsOf: Fixtures.sharedFile("provider-rules.md"), encoding: .utf8)
        let errorRules = reference.split(separator: "\n").compactMap { line -> [String]? in
            guard line.hasPrefix("### `"), line.contains("— error") else { return nil }
            return line.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }.flatMap { $0 }
        let checked = Set(BrokenBody.all.map(\.rule))
        let undecidable: Set<String> = [
            "oc/empty-messages", "an/empty-messages", "gm/empty-contents", "gm/missing-thought-signature",
        ]
        #expect(errorRules.count > 40)
        for rule in errorRules {
            #expect(checked.contains(rule) || undecidable.contains(rule), "\(rule) has no test")
        }
    }

    @Test(arguments: ProviderFormat.allCases)
    func aWellFormedHistoryWithParallelCallsPassesTheCheck(format: ProviderFormat) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)
        let context = try await temp.ledger.context(for: "s1", format: format)
        try format.check(try #require(JSONNode(parsing: context.body)))
    }

    @Test(arguments: ProviderFormat.allCases)
    func theRealFailureWrittenTurnByTurnRendersWithBothResults(format: ProviderFormat) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)

        let context = try await temp.ledger.context(for: "s1", format: format)

        _ = try ParsedBody(context)
        #expect(context.body.contains("HTTP 403 Forbidden"))
        for id in [Fixtures.weather.id, Fixtures.wikipedia.id] {
            // Each id appears once in its call and once in its result.
            #expect(context.body.components(separatedBy: id).count - 1 == 2, "\(id)")
        }
    }

    @Test func theSerializerEscapesWhatJSONRequiresAndNothingElse() throws {
        let node = JSONNode.object([("k", .string("\"\\\n\r\t\u{08}\u{0C}\u{01}/é🌧️"))])
        #expect(node.text == #"{"k":"\"\\\n\r\t\b\f\u0001/é🌧️"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(node.text.utf8)) as? [String: String]
        #expect(parsed?["k"] == "\"\\\n\r\t\u{08}\u{0C}\u{01}/é🌧️")
    }

    /// The serializer scans eight bytes at a time: random texts with the bytes to escape at every
    /// position of a word, and on both sides of its end, give what a byte-by-byte escaper gives,
    /// and parse back to themselves.
    @Test func theSerializerEscapesEveryByteWhereverItFallsInAWord() throws {
        let alphabet: [String] = ["a", "Z", " ", "\"", "\\", "\n", "\u{00}", "\u{1F}", "\u{7F}", "é", "🌧", "/", "\u{20}", "\r", "\t", "\u{08}", "\u{0C}"]
        var random = SplitMix(seed: 5)
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0..<40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
            let written = JSONNode.string(text).text
            #expect(written == Self.escapedByteByByte(text), "\(Array(text.utf8))")
            #expect(try JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed) as? String == text)
        }
    }

    private static func escapedByteByByte(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
