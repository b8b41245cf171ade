import Foundation
import TurnLedger

/// Random and mutated input of every shape a hostile or broken client could send: huge
/// strings, deep JSON, invalid UTF-8, control characters, SQL text, ids of every shape, and
/// provider histories with bytes flipped, messages dropped or moved, ids changed.
struct HostileInput {
    var random: SplitMix

    init(seed: UInt64) { random = SplitMix(seed: seed) }

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0..<values.count)] }

    static let sqlTexts = [
        "'; DROP TABLE entry; --", "\" OR 1=1 --", "x'); DELETE FROM session; --",
        "%' AND 1=1; PRAGMA writable_schema=1;",
        "NULL", "0x00", "\\", "''", "AND OR NOT NEAR", "\"unterminated", "*", "' UNION SELECT * FROM apiKey --",
    ]
    static let oddScalars: [Unicode.Scalar] = [
        "\u{0}", "\u{1}", "\u{8}", "\u{1B}", "\u{1F}", "\u{7F}", "\u{85}", "\u{200B}", "\u{200E}", "\u{202E}",
        "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFD}", "\u{FFFF}", "\u{10FFFF}", "\u{0301}", "東", "🌧", "é",
    ]

    mutating func text() -> String {
        switch int(0..<12) {
        case 0: return ""
        case 1 where chance(15):  // rare: each costs hashing, indexing and rendering a few hundred KB
            return String(repeating: pick(["a", "é東🌧", "\u{0}", "\"\\"]), count: int(5_000..<60_000))
        case 2: return pick(Self.sqlTexts)
        case 3: return String(String.UnicodeScalarView((0..<int(1..<40)).map { _ in pick(Self.oddScalars) }))
        case 4: return deepJSON()
        case 5:
            return String(
                String.UnicodeScalarView(
                    (0..<int(1..<60)).compactMap { _ in Unicode.Scalar(UInt32(int(0..<0x11_0000))) }))
        case 6: return String(decoding: (0..<int(1..<80)).map { _ in UInt8(int(0..<256)) }, as: UTF8.self)
        case 7: return #"{"city": "Paris", "nested": {"a": [1, 2.5e308, -0, null, true]}}"#
        case 8: return #"{"city": "Par"#  // cut short, as a model sometimes stops
        default: return pick(["hello", "weather in Paris?", "42", "null", "[]", "{}", " ", "\n"])
        }
    }

    mutating func deepJSON() -> String {
        let depth = pick([64, 511, 513, 5_000, 100_000])
        return chance(50)
            ? String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            : String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
    }

    mutating func identifier() -> String {
        switch int(0..<10) {
        case 0: return ""
        case 1: return pick(["\u{0}", "a\u{0}b", "call\u{0}"])
        case 2: return String(repeating: pick(["x", "東"]), count: int(170..<700))
        case 3: return pick(Self.sqlTexts)
        case 4: return String(String.UnicodeScalarView((0..<int(1..<12)).map { _ in pick(Self.oddScalars) }))
        case 5: return pick([" ", "\t", "../../etc/passwd", "toolu_01\u{202E}gpj", "call_💥", "NULL", "-1"])
        default: return "id_\(int(0..<1_000_000))"
        }
    }

    mutating func parts() -> [ContentPart] {
        (0..<pick([0, 1, 1, 2, 3])).map { _ in
            switch int(0..<6) {
            case 0: .image(url: text())
            case 1: .opaque(provider: identifier(), json: chance(50) ? text() : #"{"signature":"c2ln"}"#)
            default: .text(text())
            }
        }
    }

    mutating func calls() -> [ToolCall] {
        let count = pick([0, 1, 1, 2, 3, 4, 300])
        var calls = (0..<count).map { _ in ToolCall(id: identifier(), name: identifier(), arguments: text()) }
        if count > 1, chance(20) { calls[1].id = calls[0].id }  // a duplicate id
        return calls
    }

    mutating func metadata() -> [String: JSONValue] {
        var value = JSONValue.string(text())
        for _ in 0..<pick([0, 1, 10, 300]) { value = chance(50) ? .array([value]) : .object(["k": value]) }
        return [identifier(): value, "n": .number(pick([0, -1, 1e308, .pi]))]
    }

    /// An OpenAI Chat or Anthropic history, well formed or not, then maybe mutated at the byte level.
    mutating func history(anthropic: Bool) -> Data {
        var messages: [[String: Any]] = []
        for step in 0..<int(1..<6) {
            let ids = (0..<int(1..<4)).map { "call_\(step)_\($0)_" + (chance(10) ? identifier() : "") }
            if anthropic {
                messages.append(["role": "user", "content": text()])
                messages.append([
                    "role": "assistant",
                    "content": ids.map {
                        ["type": "tool_use", "id": $0, "name": identifier(), "input": ["q": text()]]
                    },
                ])
                var answered = ids.map { id -> [String: Any] in
                    ["type": "tool_result", "tool_use_id": id, "content": text(), "is_error": chance(20)]
                }
                if chance(20) { answered.removeLast() }
                messages.append(["role": "user", "content": answered.shuffled(using: &random)])
            } else {
                messages.append(["role": pick(["user", "system", "developer", "user"]), "content": text()])
                messages.append([
                    "role": "assistant", "content": NSNull(),
                    "tool_calls": ids.map {
                        ["id": $0, "type": "function", "function": ["name": identifier(), "arguments": text()]]
                    },
                ])
                for id in ids.shuffled(using: &random) where !chance(10) {
                    messages.append(["role": "tool", "tool_call_id": id, "content": text()])
                }
            }
        }
        if chance(20), messages.count > 1 { messages.swapAt(0, int(1..<messages.count)) }
        let body: Any = anthropic ? ["system": text(), "messages": messages] : messages
        var data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data("[]".utf8)
        mutate(&data)
        return data
    }

    /// Flips, cuts, or inserts bytes (invalid UTF-8 among them), or leaves the data alone.
    mutating func mutate(_ data: inout Data) {
        guard !data.isEmpty else { return }
        switch int(0..<6) {
        case 0: data[int(0..<data.count)] = UInt8(int(0..<256))
        case 1: data = data.prefix(int(0..<data.count))
        case 2:
            data.insert(
                contentsOf: pick([[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x00]]), at: int(0..<data.count))
        default: break
        }
    }
}
