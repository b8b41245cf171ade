import ArgumentParser
import Foundation
import TurnLedger

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write the parallel-call story (one call 200, one 403) into a new session and show it.",
        discussion: """
            The failure TurnLedger ends: two parallel tool calls, one fails with HTTP 403. Here the \
            error becomes a result, the turn commits, and the history is complete.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: "The new session's id. Default: demo-<random>.") var session: String?

    func run() async throws {
        let ledger = try await options.openLedger()
        let id = session ?? "demo-\(UUID().uuidString.prefix(8).lowercased())"
        try await ledger.createSession(id: id, metadata: ["source": "turnledger demo"])
        try await ledger.append([.text("You are a helpful assistant.")], role: .system, to: id)
        try await ledger.append([.text("Какая погода в Москве? Также, кто такой Путин?")], role: .user, to: id)
        let weather = ToolCall(
            id: "call_QzOp1AlcssaIq18co1gngSe8", name: "fetch", arguments: #"{"url":"https://wttr.in/Moscow"}"#)
        let wiki = ToolCall(
            id: "call_tKaDkhHGLPeg8gBmu8vuBZM1", name: "fetch",
            arguments: #"{"url":"https://ru.wikipedia.org/wiki/Путин"}"#)
        try await ledger.openTurn(in: id, calls: [weather, wiki])
        try await ledger.recordResult([.text("HTTP 403 Forbidden")], outcome: .error, for: wiki.id, in: id)
        try await ledger.recordResult([.text("Moscow: -3°C, light snow")], for: weather.id, in: id)
        try await ledger.commitTurn(in: id)
        try await ledger.append(
            [.text("В Москве −3°C и лёгкий снег. Страницу Википедии открыть не удалось (403).")],
            role: .assistant, to: id)
        print("session \(id) in \(options.path):")
        try await ledger.entries(in: id).forEach { print(Output.describe($0)) }
    }
}
