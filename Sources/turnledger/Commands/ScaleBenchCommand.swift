import ArgumentParser
import Foundation
import TurnLedger

struct ScaleBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-scale",
        abstract: "Measure per-session reads, listing and search latency in a database of N entries.",
        discussion: """
            When --db does not exist, fills it first with N / 50 sessions of 50 entries (system, \
            tool turns of two parallel calls, text) through importHistory, one transaction per \
            session; an existing file is reused as is and must have been filled with the same N. \
            Then, for 200 sessions spread over the file, 5 times each: builds the OpenAI Chat \
            context, reads a 10-message page, searches the session for a word all sessions share, \
            and searches the whole store for a word only that session holds; and lists the first \
            page of 50 sessions. Prints p50/p99 latencies as JSON. Compare a run at 10,000 entries \
            with one at 10,000,000. The ledger keeps no history cache, so every context build \
            reads the file.
            """
    )

    @Option(help: "The database file; filled when missing.") var db: String
    @Option(help: "How many entries the database holds (a multiple of 50).") var entries: Int

    static let sessionLength = 50

    func validate() throws {
        guard entries >= Self.sessionLength, entries % Self.sessionLength == 0 else {
            throw ValidationError("--entries must be a positive multiple of \(Self.sessionLength).")
        }
    }

    func run() async throws {
        let sessions = entries / Self.sessionLength
        let generate = !FileManager.default.fileExists(atPath: db)
        // No history cache: each context build reads the file, as at any size the first read does.
        let ledger = try Ledger(configuration: LedgerConfiguration(path: db, historyCacheBytes: 0))
        let clock = ContinuousClock()
        var generated = Duration.zero
        if generate {
            generated = try await clock.measure {
                for index in 0..<sessions {
                    try await ledger.importHistory(Self.history(index), into: Self.id(index))
                    if index % 10_000 == 9_999 { printError("generated \(index + 1) of \(sessions) sessions") }
                }
            }
        }
        guard try await ledger.session(Self.id(sessions - 1)) != nil, try await ledger.session(Self.id(sessions)) == nil
        else {
            throw ValidationError("\(db) was not filled with --entries \(entries); delete it to fill it again.")
        }
        let picked = (0..<200).map { $0 * sessions / 200 }
        var latencies: [String: [Duration]] = [:]
        for _ in 0..<5 {
            for index in picked {
                let id = Self.id(index)
                latencies["context", default: []].append(
                    try await clock.measure { _ = try await ledger.context(for: id, format: .openAIChat) })
                latencies["page", default: []].append(
                    try await clock.measure { _ = try await ledger.entries(in: id, after: 20, limit: 10) })
                latencies["search_session", default: []].append(
                    try await clock.measure { _ = try await ledger.search(SearchQuery("changed", sessionId: id)) })
                latencies["search_rare", default: []].append(
                    try await clock.measure { _ = try await ledger.search(SearchQuery("agent \(index)")) })
                latencies["list", default: []].append(
                    try await clock.measure { _ = try await ledger.sessions(matching: SessionQuery()) })
            }
        }
        let milliseconds = { (duration: Duration) in
            Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0
        var report: [String: Double] = [
            "entries": Double(entries),
            "sessions": Double(sessions),
            "db_mb": Double(size) / 1_048_576,
            "generate_s": milliseconds(generated) / 1000,
        ]
        for (name, durations) in latencies {
            let sorted = durations.sorted()
            report["\(name)_p50_ms"] = milliseconds(sorted[sorted.count / 2])
            report["\(name)_p99_ms"] = milliseconds(sorted[sorted.count * 99 / 100])
        }
        try Output.json(report)
    }

    static func id(_ index: Int) -> String { String(format: "scale-%08d", index) }

    /// 50 entries: a system prompt, nine turns of user, assistant with two calls, two results
    /// and an answer, then two more messages.
    static func history(_ index: Int) -> [OpenAIChatMessage] {
        var messages = [OpenAIChatMessage(role: .system, parts: [.text("You are agent \(index). Be brief.")])]
        for turn in 0..<9 {
            let calls = (0..<2).map {
                ToolCall(
                    id: "call_\(turn)_\($0)", name: "fetch",
                    arguments: #"{"url":"https://example.com/\#(index)/\#(turn)/\#($0)"}"#)
            }
            messages.append(
                OpenAIChatMessage(
                    role: .user, parts: [.text("Question \(turn) of session \(index): what changed since yesterday?")]))
            messages.append(OpenAIChatMessage(role: .assistant, parts: [], toolCalls: calls))
            for call in calls {
                messages.append(
                    OpenAIChatMessage(
                        role: .tool, parts: [.text("200 OK: " + String(repeating: "data ", count: 30))],
                        toolCallId: call.id))
            }
            messages.append(
                OpenAIChatMessage(
                    role: .assistant, parts: [.text("Answer \(turn): both pages were fetched; nothing changed.")]))
        }
        messages.append(OpenAIChatMessage(role: .user, parts: [.text("Thanks.")]))
        messages.append(OpenAIChatMessage(role: .assistant, parts: [.text("You're welcome.")]))
        messages.append(OpenAIChatMessage(role: .user, parts: [.text("Bye.")]))
        messages.append(OpenAIChatMessage(role: .assistant, parts: [.text("Bye.")]))
        return messages
    }
}
