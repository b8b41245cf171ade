import Foundation
import TurnLedger

/// Builds random histories through the public API, from a seed: ids of every shape, messages of
/// one role in a row, empty texts and results, every outcome, summaries, rewinds, forks at every legal
/// point, imported histories and provider-opaque data. Whatever it builds the store accepted,
/// so every one of them must render in every format.
struct HistoryGenerator {
    private var random: SplitMix
    private var opaqueCount = 0
    private(set) var sessions: [String] = []

    init(seed: UInt64) { random = SplitMix(seed: seed) }

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0..<values.count)] }

    static let callIDs = [
        "call_0", "call_1", "call_0", "functions.Bash:0", "functions.read_file:1", "toolu_01A09q90qw90lq917835lq9",
        "call with spaces", "вызов-1", "呼び出し", "12345", "call_0_t2", String(repeating: "x", count: 300), "a/b?c#d",
        "call_🙂", "-", "_",
    ]
    static let texts = [
        "Hi", "", " ", "\n\t", "Какая погода в Москве?", "日本語のテキスト", "🙂", "ok", "a \"quoted\" \\ text",
        "\u{0}nul\u{1}\u{1F}\u{7F}", "a/b</script>", "\u{2028}\u{A0}\u{3000}", "\u{0B}\u{0C}\r\n",
    ]
    static let arguments = [
        #"{"url":"https://wttr.in/Moscow"}"#, "{}", #"{"n": 1.50}"#, "", "{\"cut", "[1,2]", "1.5", "null", "не json",
    ]

    /// Builds one history and returns its session id.
    mutating func build(in ledger: Ledger, name: String) async throws -> String {
        if !sessions.isEmpty, chance(30), let fork = try await fork(in: ledger, name: name) {
            sessions.append(fork)
            try await extend(fork, in: ledger, steps: int(0..<6))
            return fork
        }
        try await ledger.createSession(id: name)
        sessions.append(name)
        if chance(20) { try await ledger.importHistory(Data(importedChat().utf8), format: .openAIChat, into: name) }
        try await extend(name, in: ledger, steps: int(1..<12))
        return name
    }

    private mutating func fork(in ledger: Ledger, name: String) async throws -> String? {
        let parent = pick(sessions)
        let points = Self.wholeTurnPoints(try await ledger.entries(in: parent))
        guard !points.isEmpty else { return nil }
        try await ledger.fork(parent, at: pick(points), as: name)
        return name
    }

    /// The seqs after which no turn is cut: the legal fork points and summary bounds.
    static func wholeTurnPoints(_ log: [Entry]) -> [Int] {
        log.filter { $0.role != .tool }.map { $0.seq + $0.toolCalls.count }
    }

    private mutating func extend(_ session: String, in ledger: Ledger, steps: Int) async throws {
        for _ in 0..<steps {
            switch int(0..<10) {
            case 0...3:
                let role = pick([Role.user, .user, .assistant, .assistant, .system, .developer])
                var parts = self.parts()
                if parts.isEmpty, role != .assistant { parts = [.text(pick(Self.texts))] }
                try await ledger.append(parts, role: role, to: session)
            case 4...7:
                try await turn(in: session, ledger: ledger)
            case 8 where chance(50):  // back to a point of the history; later rewinds nest over it
                let points = [0] + Self.wholeTurnPoints(try await ledger.entries(in: session))
                try await ledger.rewind(session, to: pick(points))
            default:
                let points = [0] + Self.wholeTurnPoints(try await ledger.entries(in: session))
                guard points.count >= 2 else { continue }
                let from = int(0..<points.count - 1)
                let to = int(from + 1..<points.count)
                guard points[from] + 1 <= points[to] else { continue }
                try await ledger.appendSummary(
                    [.text(pick(Self.texts))], covering: (points[from] + 1)...points[to],
                    role: pick([Role.user, .system]), to: session)
            }
        }
    }

    private mutating func turn(in session: String, ledger: Ledger) async throws {
        var ids: [String] = []
        for _ in 0..<int(1..<4) {
            let id = pick(Self.callIDs)
            if !ids.contains(id) { ids.append(id) }
        }
        let calls = ids.map {
            ToolCall(id: $0, name: pick(["fetch", "search", "functions.x", "Bash"]), arguments: pick(Self.arguments))
        }
        try await ledger.openTurn(in: session, parts: chance(50) ? parts() : [], calls: calls)
        let ending = int(0..<10)
        let answered = ending < 6 ? calls.count : int(0..<calls.count)
        for call in calls.shuffled(using: &random).prefix(answered) {
            let outcome = pick([ToolOutcome.success, .success, .error])
            try await ledger.recordResult(
                chance(20) ? [] : [.text(pick(Self.texts))], outcome: outcome, for: call.id, in: session)
        }
        switch ending {
        case 0..<6: try await ledger.commitTurn(in: session)
        case 6..<8: try await ledger.cancelTurn(in: session)
        default: try await ledger.recover(sessionID: session)
        }
    }

    private mutating func parts() -> [ContentPart] {
        var parts: [ContentPart] = []
        for _ in 0..<int(0..<4) {
            switch int(0..<10) {
            case 0:
                parts.append(.image(url: pick(["https://example.com/a.png", "data:image/png;base64,iVBORw0KGgo="])))
            case 1, 2: parts.append(opaque())
            default: parts.append(.text(pick(Self.texts)))
            }
        }
        return parts
    }

    /// Provider data as the providers send it, with ids that sometimes repeat, and now and then
    /// data that pretends to be a message or a call.
    private mutating func opaque() -> ContentPart {
        opaqueCount += 1
        let reasoningID = "rs_\(chance(30) ? 1 : opaqueCount)"
        return pick([
            .opaque(
                provider: "openai-responses",
                json: #"{"type":"reasoning","id":"\#(reasoningID)","summary":[],"encrypted_content":"gAAA"}"#),
            .opaque(provider: "anthropic", json: #"{"type":"thinking","thinking":"Let me think.","signature":"EqQB"}"#),
            .opaque(provider: "anthropic", json: #"{"type":"redacted_thinking","data":"EmwK"}"#),
            .opaque(provider: "gemini", json: #"{"thoughtSignature":"CiQB"}"#),
            .opaque(provider: "gemini", json: #"{"text":"thinking…","thought":true}"#),
            .opaque(
                provider: "openai-responses",
                json: #"{"type":"function_call","call_id":"x","name":"f","arguments":"{}"}"#),
            .opaque(provider: "anthropic", json: #"{"type":"tool_use","id":"x","name":"f","input":{}}"#),
            .opaque(provider: "gemini", json: #"{"functionCall":{"name":"f","args":{}}}"#),
            .opaque(
                provider: pick(["anthropic", "gemini", "openai-responses"]),
                json: pick(["[1]", "\"text\"", "{}", #"{"text":""}"#])),
        ])
    }

    /// An OpenAI Chat history with answered calls, as another store would export it.
    private mutating func importedChat() -> String {
        var messages = [#"{"role":"system","content":"You are terse."}"#, #"{"role":"user","content":"Hi"}"#]
        for _ in 0..<int(0..<3) {
            let id = pick(Self.callIDs).replacingOccurrences(of: "\"", with: "")
            messages.append(
                #"{"role":"assistant","content":null,"tool_calls":[{"id":"\#(id)","type":"function","function":{"name":"fetch","arguments":"{}"}}]}"#
            )
            messages.append(#"{"role":"tool","tool_call_id":"\#(id)","content":"\#(pick(["ok", ""]))"}"#)
            if chance(50) { messages.append(#"{"role":"assistant","content":"Done."}"#) }
        }
        return "[" + messages.joined(separator: ",") + "]"
    }
}
