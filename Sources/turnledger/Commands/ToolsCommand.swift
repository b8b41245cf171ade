import ArgumentParser
import Foundation
import TurnLedger

struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "What the tools did.",
        subcommands: [Stats.self]
    )

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per tool: calls, outcomes, error rate, and milliseconds from call to result.")

        @OptionGroup var options: LedgerOptions
        @Option(help: "Only this tenant's sessions.") var tenant: String?
        @Option(help: "Only this session's own calls.") var session: String?
        @Option(help: "Only calls made at or after this ISO 8601 time.") var since: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let stats = try await options.openLedger().toolStats(
                tenant: tenant, sessionId: session, since: try since.map(SessionsCommand.List.date))
            if json {
                try Output.json(stats)
                return
            }
            print("tool\tcalls\tok\terror\tcancelled\tinterrupted\terror_rate\tp50_ms\tp95_ms\tmax_ms")
            for tool in stats {
                let numbers = [tool.calls, tool.successes, tool.errors, tool.cancelled, tool.interrupted].map(
                    String.init)
                let times = [tool.p50Milliseconds, tool.p95Milliseconds, tool.maxMilliseconds].map {
                    String(format: "%.0f", $0)
                }
                print(
                    ([tool.name] + numbers + [String(format: "%.3f", tool.errorRate)] + times).joined(separator: "\t"))
            }
        }
    }
}
