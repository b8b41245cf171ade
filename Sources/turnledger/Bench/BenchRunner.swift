import Foundation
import TurnLedger

/// Runs the benchmark: ingest one durable write per message, as an agent would, then build
/// the OpenAI Chat context of every session; then check the work. Only the writes and the
/// context builds are timed: reading the file and checking are not.
struct BenchRunner {
    let ledger: Ledger
    let workload: Workload

    struct Report: Encodable {
        var system = "turnledger"
        var messages: Int
        var sessions: Int
        var ingest_s: Double
        var ingest_msgs_per_s: Double
        var read_s: Double
        var read_sessions_per_s: Double
        var context_p50_ms: Double
        var context_p99_ms: Double
        /// With `--writers N`: the agents, each write's latency, and how many writes shared a commit.
        var writers: Int?
        var write_p50_ms: Double?
        var write_p99_ms: Double?
        var writes_per_transaction: Double?
        var peak_rss_mb: Double
        var persisted: Int
        var roundtrip_mismatches: Int
        var ok: Bool
        var config: String
    }

    /// What the check needs of each session: its lines, and each turn's call order.
    private struct SessionLog {
        var lines: [Workload.Location] = []
        var isResult: [String?] = []  // the call id of each line that is a tool result
        var callOrders: [[String]] = []
    }

    func run(config: String, writers: Int? = nil) async throws -> Report {
        var order: [String] = []
        var logs: [String: SessionLog] = [:]
        var messages = 0
        var ingest = Duration.zero
        var writeLatencies: [Duration] = []
        var lanes: [[Workload.Line]] = Array(repeating: [], count: writers ?? 0)
        var lane: [String: Int] = [:]
        var agent = BenchAgent(ledger: ledger)
        try await workload.forEachLine { line in
            let id = line.session
            let message = line.message
            messages += 1
            if logs[id] == nil {
                order.append(id)
                logs[id] = SessionLog()
            }
            logs[id]?.lines.append(line.location)
            logs[id]?.isResult.append(message.role == .tool ? message.toolCallId ?? "" : nil)
            if !message.toolCalls.isEmpty { logs[id]?.callOrders.append(message.toolCalls.map(\.id)) }
            if let writers {
                // Each agent owns the sessions dealt to it, in the order they first appear.
                let index = lane[id] ?? (order.count - 1) % writers
                lane[id] = index
                lanes[index].append(line)
            } else {
                let took = try await agent.write(line)
                ingest += took
                writeLatencies.append(took)
            }
        }
        var statistics: WriteStatistics?
        if writers != nil {
            let before = await ledger.writeStatistics
            (ingest, writeLatencies) = try await Self.ingestConcurrently(lanes, into: ledger)
            if ledger.groupsCommits { statistics = await ledger.writeStatistics.since(before) }
        }
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        for id in order {
            latencies.append(try await clock.measure { _ = try await ledger.context(for: id, format: .openAIChat) })
        }
        var persisted = 0
        var mismatches = 0
        for id in order {
            persisted += try await ledger.entries(in: id).count
            if try await !matches(id, logs[id] ?? SessionLog()) { mismatches += 1 }
        }
        let read = latencies.reduce(Duration.zero, +)
        return Report(
            messages: messages,
            sessions: order.count,
            ingest_s: Self.seconds(ingest),
            ingest_msgs_per_s: Double(messages) / Self.seconds(ingest),
            read_s: Self.seconds(read),
            read_sessions_per_s: Double(order.count) / Self.seconds(read),
            context_p50_ms: Self.milliseconds(latencies, at: 0.50),
            context_p99_ms: Self.milliseconds(latencies, at: 0.99),
            writers: writers,
            write_p50_ms: writers == nil ? nil : Self.milliseconds(writeLatencies, at: 0.50),
            write_p99_ms: writers == nil ? nil : Self.milliseconds(writeLatencies, at: 0.99),
            writes_per_transaction: statistics.map { Double($0.writes) / Double(max(1, $0.transactions)) },
            peak_rss_mb: Self.peakResidentMegabytes(),
            persisted: persisted,
            roundtrip_mismatches: mismatches,
            ok: persisted == messages && mismatches == 0,
            config: config
        )
    }

    /// Whether the session's rendered history equals its messages, each turn's results in call order.
    private func matches(_ id: String, _ log: SessionLog) async throws -> Bool {
        let originals = try workload.originals(at: log.lines)
        var expected: [NSDictionary] = []
        var held: [String: NSDictionary] = [:]
        var turns = log.callOrders.makeIterator()
        var callOrder: [String] = []
        for (original, resultCallID) in zip(originals, log.isResult) {
            guard let resultCallID else {
                expected.append(original)
                if original["tool_calls"] != nil { callOrder = turns.next() ?? [] }
                continue
            }
            held[resultCallID] = original
            if held.count == callOrder.count {
                expected += callOrder.compactMap { held[$0] }
                held = [:]
            }
        }
        let data = try await ledger.context(for: id, format: .openAIChat).data
        let rendered = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["messages"]
        return (rendered as? [NSDictionary] ?? []) == expected
    }

    /// Runs one agent per lane at once, each awaiting every write; returns the wall-clock time of
    /// the whole ingest and every line's latency.
    private static func ingestConcurrently(_ lanes: [[Workload.Line]], into ledger: Ledger) async throws
        -> (Duration, [Duration])
    {
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for lines in lanes {
                group.addTask {
                    var agent = BenchAgent(ledger: ledger)
                    var latencies: [Duration] = []
                    latencies.reserveCapacity(lines.count)
                    for line in lines { latencies.append(try await agent.write(line)) }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return (clock.now - start, latencies)
    }

    /// The latency at percentile `p` (0...1), in milliseconds.
    static func milliseconds(_ durations: [Duration], at p: Double) -> Double {
        guard !durations.isEmpty else { return 0 }
        let sorted = durations.sorted()
        return seconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) * 1000
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The peak resident set of this process (VmHWM), in MB.
    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}
