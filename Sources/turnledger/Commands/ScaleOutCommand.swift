import ArgumentParser
import AsyncHTTPClient
import Foundation
import TurnLedger

struct ScaleOutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-out",
        abstract: "Run several services on one PostgreSQL store, kill one mid-turn, and check that nothing was lost.",
        discussion: """
            Starts --services `turnledger serve` processes on the store, and --agents agent clients \
            spread over them, each doing the agent loop with an expected seq and an idempotency key \
            on every write (moving to the next service when its own fails). Once --kill-after of \
            the writes are acknowledged, the first service is killed with SIGKILL and the agents \
            beside it stop mid-turn; the service is restarted, and `turnledger recover --interrupt \
            --idle-for` closes the turns left open while the other agents go on. Then every \
            acknowledged write must be in the store once, at its seq, every context must render for \
            every provider, nothing may be left open, and verify must be clean. Prints one JSON \
            line; exits 1 when a check fails (docs/scale-out.md).
            """
    )

    @Option(help: "The store: an empty PostgreSQL database's postgres:// URL.") var store: String
    @Option(help: "Services on the store.") var services = 3
    @Option(help: "Agent clients, spread over the services.") var agents = 64
    @Option(help: "Turns per agent.") var turns = 20
    @Option(help: "Tool calls per turn.") var calls = 2
    @Option(help: "The share of the writes after which the first service is killed.") var killAfter = 0.4
    @Option(help: "The --idle-for of the recover run after the restart, in seconds.") var idleFor = 3
    @Option(help: "The --store-connections of each service.") var storeConnections = 20

    struct Report: Encodable {
        var services: Int
        var agents: Int
        var killedAgents: Int
        var acknowledgedWrites: Int
        var failovers: Int
        var recoveredTurns: Int
        var seconds: Double
        var writes_per_s: Double
        var p50_ms: Double
        var p99_ms: Double
        var lost: Int
        var duplicated: Int
        var openTurns: Int
        var problems: [String]
        var ok: Bool
    }

    func validate() throws {
        guard services >= 2, agents >= services, turns >= 1, calls >= 1, (0...1).contains(killAfter), idleFor >= 1 else {
            throw ValidationError("needs 2 or more services, at least as many agents, turns and calls of 1 or more.")
        }
    }

    func run() async throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("turnledger-scale-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let pool = (0..<services).map {
            ServiceProcess(
                store: store, connections: storeConnections, log: logs.appendingPathComponent("serve-\($0).log"))
        }
        for service in pool { try await service.start() }
        defer { for service in pool { service.stop() } }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        let total = agents * turns * (calls + 3)
        let progress = Progress()
        let urls = pool.map(\.url)
        let run = UUID().uuidString.prefix(6).lowercased()
        let started = ContinuousClock.now

        var agentsDone = started
        let (outcomes, recovered) = try await withThrowingTaskGroup(of: (Int, ScaleOutAgent.Outcome)?.self) { group in
            for index in 0..<agents {
                let agent = ScaleOutAgent(
                    client: client, services: urls, home: index % services, session: "so-\(run)-\(index)", calls: calls)
                let besideKilled = index % services == 0
                group.addTask {
                    do {
                        let outcome = try await agent.run(turns: turns) {
                            await progress.tick(besideKilled: besideKilled)
                        }
                        if besideKilled { await progress.finishedBesideKilled() }
                        return (index, outcome)
                    } catch {
                        if besideKilled { await progress.finishedBesideKilled() }  // the killer must not wait for it
                        throw error
                    }
                }
            }
            // The killer: waits for its share of the writes, kills, restarts, and once the agents
            // beside the killed service have sent their last write (a request in flight at the kill
            // goes to another service), waits --idle-for and recovers.
            let agentsBesideKilled = (agents + services - 1) / services
            group.addTask {
                await progress.waitFor(Int(Double(total) * killAfter))
                pool[0].kill()
                await progress.killed()
                try await pool[0].start()
                await progress.waitForFinishedBesideKilled(agentsBesideKilled)
                try await Task.sleep(for: .seconds(idleFor))
                let turns = try await Self.recover(store: store, idleFor: idleFor)
                return (-1, ScaleOutAgent.Outcome(acks: [], latencies: [], failovers: turns, stopped: false))
            }
            var outcomes: [(Int, ScaleOutAgent.Outcome)] = []
            var recovered = 0
            for try await result in group {
                guard let (index, outcome) = result else { continue }
                if index < 0 {
                    recovered = outcome.failovers
                } else {
                    outcomes.append((index, outcome))
                    agentsDone = ContinuousClock.now
                }
            }
            return (outcomes.sorted { $0.0 < $1.0 }.map(\.1), recovered)
        }
        let seconds = (agentsDone - started).seconds  // the agents' time, without the wait before recover
        let ledger = try await Ledger.open(configuration: LedgerConfiguration(path: store))
        defer { try? ledger.close() }
        let check = try await ScaleOutCheck.run(
            on: ledger, agents: outcomes.enumerated().map { ("so-\(run)-\($0)", $1.acks) })
        let latencies = outcomes.flatMap(\.latencies).sorted()
        let writes = outcomes.map(\.acks.count).reduce(0, +)
        let report = Report(
            services: services, agents: agents, killedAgents: outcomes.filter(\.stopped).count,
            acknowledgedWrites: writes, failovers: outcomes.map(\.failovers).reduce(0, +), recoveredTurns: recovered,
            seconds: seconds, writes_per_s: Double(writes) / seconds,
            p50_ms: LoadCommand.percentile(latencies, 0.5) * 1000, p99_ms: LoadCommand.percentile(latencies, 0.99) * 1000,
            lost: check.lost.count, duplicated: check.duplicated.count, openTurns: check.openTurns,
            problems: Array((check.lost + check.duplicated + check.problems).prefix(20)),
            ok: check.lost.isEmpty && check.duplicated.isEmpty && check.problems.isEmpty && check.openTurns == 0)
        try Output.json(report)
        if !report.ok { throw ExitCode.failure }
    }

    /// `turnledger recover --interrupt --idle-for Ns` as its own process, as an operator would run it.
    private static func recover(store: String, idleFor: Int) async throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["recover", "--store", store, "--interrupt", "--idle-for", "\(idleFor)s"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ExitCode.failure }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("session ") }.count
    }

    /// The run's progress: acknowledged requests, whether the kill happened, and how many of the
    /// agents beside the killed service have stopped.
    actor Progress {
        private var done = 0
        private var isKilled = false
        private var finished = 0
        private var waiting: [(Int, CheckedContinuation<Void, Never>)] = []
        private var waitingForFinished: [(Int, CheckedContinuation<Void, Never>)] = []

        /// Counts a request about to be sent; true when the agent must stop (it ran beside the
        /// service that was killed).
        func tick(besideKilled: Bool) -> Bool {
            if isKilled && besideKilled { return true }
            done += 1
            Self.resume(&waiting, reached: done)
            return false
        }

        func waitFor(_ count: Int) async {
            if done >= count { return }
            await withCheckedContinuation { waiting.append((count, $0)) }
        }

        func killed() { isKilled = true }

        /// An agent beside the killed service returned: it sends nothing more.
        func finishedBesideKilled() {
            finished += 1
            Self.resume(&waitingForFinished, reached: finished)
        }

        /// Returns once `count` agents beside the killed service have returned: after it, none of
        /// them writes again, and `recover --idle-for` may count from their last write.
        func waitForFinishedBesideKilled(_ count: Int) async {
            if finished >= count { return }
            await withCheckedContinuation { waitingForFinished.append((count, $0)) }
        }

        private static func resume(_ waiting: inout [(Int, CheckedContinuation<Void, Never>)], reached: Int) {
            waiting.removeAll { target, continuation in
                guard reached >= target else { return false }
                continuation.resume()
                return true
            }
        }
    }
}
