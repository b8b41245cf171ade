import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Run N agent clients against a running `turnledger serve` and print throughput and latency as JSON.",
        discussion: """
            Each agent creates its own session and does the agent loop over HTTP: a user message, a \
            turn with calls (If-Match and Idempotency-Key), each result, the commit, the context; \
            each request awaited before the next. One JSON line per agent count. Bounded by \
            --turns; run it against a release build on loopback (docs/performance.md).
            """
    )

    @Option(help: "The service, e.g. http://127.0.0.1:8080.") var url: String
    @Option(help: "An API key, when the service has keys.") var key: String?
    @Option(help: "Agent counts to run, one after the other.") var agents: [Int] = [1, 16, 64]
    @Option(help: "Turns per agent.") var turns = 20
    @Option(help: "Tool calls per turn.") var calls = 2

    struct Report: Encodable {
        var agents: Int
        var requests: Int
        var writes: Int
        var seconds: Double
        var requests_per_s: Double
        var writes_per_s: Double
        var p50_ms: Double
        var p99_ms: Double
    }

    func validate() throws {
        guard agents.allSatisfy({ $0 >= 1 }), turns >= 1, calls >= 1 else {
            throw ValidationError("--agents, --turns and --calls must be 1 or more.")
        }
    }

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let run = UUID().uuidString.prefix(8).lowercased()
        do {
            for count in agents {
                let started = ContinuousClock.now
                let samples = try await withThrowingTaskGroup(of: [LoadAgent.Sample].self) { group in
                    for index in 0..<count {
                        let agent = LoadAgent(
                            client: client, base: url, key: key, session: "load-\(run)-\(count)-\(index)", calls: calls)
                        group.addTask { try await agent.run(turns: turns) }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                let seconds = (ContinuousClock.now - started).seconds
                let latencies = samples.map(\.seconds).sorted()
                let writes = samples.filter(\.isWrite).count
                try Output.json(
                    Report(
                        agents: count, requests: samples.count, writes: writes, seconds: seconds,
                        requests_per_s: Double(samples.count) / seconds, writes_per_s: Double(writes) / seconds,
                        p50_ms: Self.percentile(latencies, 0.50) * 1000, p99_ms: Self.percentile(latencies, 0.99) * 1000))
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}
