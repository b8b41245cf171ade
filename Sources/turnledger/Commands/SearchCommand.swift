import ArgumentParser
import TurnLedger

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search message text, tool arguments and tool results, best match first.",
        discussion: """
            Every word must match (any order); Chinese and Japanese words match their characters in \
            a row. Text: one line per hit (session, seq, kind, role, tool, snippet with [matches]).
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The words to find.") var query: String
    @Option(help: "Only this session's history (a fork's inherited entries included).") var session: String?
    @Option(help: "Only this tenant's sessions.") var tenant: String?
    @Option(help: "Only texts of this role (system, developer, user, assistant, tool); repeatable.")
    var role: [Role] = []
    @Option(help: "Only the arguments and results of this tool.") var tool: String?
    @Option(help: "At most this many hits (1...1000).") var limit = 20
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let hits = try await options.openLedger().search(
            SearchQuery(query, sessionId: session, tenant: tenant, roles: Set(role), toolName: tool, limit: limit))
        if json {
            try Output.json(hits)
            return
        }
        for hit in hits {
            print(
                [hit.sessionId, "\(hit.seq)", hit.kind.rawValue, hit.role.rawValue, hit.toolName ?? "-", hit.snippet]
                    .joined(separator: "\t"))
        }
    }
}
