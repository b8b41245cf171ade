import Foundation
import TurnLedger

/// Runs the benchmark: ingest one durable write per message, as an agent would, then build
/// the OpenAI Chat context of every session; then check the work, outside the timing.
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
        var peak_rss_mb: Double
        var persisted: Int
        var roundtrip_mismatches: Int
        var ok: Bool
        var config: String
    }

    func run(config: String) async throws -> Report {
        let clock = ContinuousClock()
        var sessions: [String] = []
        var known: Set<String> = []
        var pending: [String: Set<String>] = [:]  // unanswered call ids of each open turn
        let ingest = try await clock.measure {
            for line in workload.lines {
                let id = line.session
                if known.insert(id).inserted {
                    sessions.append(id)
                    try await ledger.createSession(id: id)
                }
                let message = line.message
                switch message.role {
                case .assistant where !message.toolCalls.isEmpty:
                    try await ledger.openTurn(in: id, parts: message.parts, calls: message.toolCalls)
                    pending[id] = Set(message.toolCalls.map(\.id))
                case .tool:
                    let callID = message.toolCallId ?? ""
                    try await ledger.recordResult(
                        message.parts, outcome: line.isError ? .error : .success, for: callID, in: id)
                    pending[id]?.remove(callID)
                    if pending[id]?.isEmpty == true {
                        try await ledger.commitTurn(in: id)
                        pending[id] = nil
                    }
                default:
                    try await ledger.append(message.parts, role: message.role, to: id)
                }
            }
        }
        var latencies: [Duration] = []
        var bodies: [String: String] = [:]
        let read = try await clock.measure {
            for id in sessions {
                let start = clock.now
                bodies[id] = try await ledger.context(for: id, format: .openAIChat).body
                latencies.append(clock.now - start)
            }
        }
        let (persisted, mismatches) = try await check(bodies: bodies)
        latencies.sort()
        let seconds = { (duration: Duration) in
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let percentile = { (p: Double) in
            latencies.isEmpty
                ? 0 : seconds(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) * 1000
        }
        return Report(
            messages: workload.lines.count,
            sessions: sessions.count,
            ingest_s: seconds(ingest),
            ingest_msgs_per_s: Double(workload.lines.count) / seconds(ingest),
            read_s: seconds(read),
            read_sessions_per_s: Double(sessions.count) / seconds(read),
            context_p50_ms: percentile(0.50),
            context_p99_ms: percentile(0.99),
            peak_rss_mb: Self.peakResidentMegabytes(),
            persisted: persisted,
            roundtrip_mismatches: mismatches,
            ok: persisted == workload.lines.count && mismatches == 0,
            config: config
        )
    }

    /// Every message stored, and every rendered history equal to the session's messages with
    /// each turn's results in call order.
    private func check(bodies: [String: String]) async throws -> (persisted: Int, mismatches: Int) {
        var expected: [String: [NSDictionary]] = [:]
        var callOrder: [String: [String]] = [:]
        var heldResults: [String: [String: NSDictionary]] = [:]
        for (line, original) in zip(workload.lines, workload.originals) {
            let id = line.session
            if line.message.role == .tool {
                heldResults[id, default: [:]][line.message.toolCallId ?? ""] = original
                if heldResults[id]?.count == callOrder[id]?.count {
                    expected[id, default: []] += (callOrder[id] ?? []).compactMap { heldResults[id]?[$0] }
                    heldResults[id] = nil
                    callOrder[id] = nil
                }
                continue
            }
            expected[id, default: []].append(original)
            if !line.message.toolCalls.isEmpty { callOrder[id] = line.message.toolCalls.map(\.id) }
        }
        var persisted = 0
        var mismatches = 0
        for (id, messages) in expected {
            persisted += try await ledger.entries(in: id).count
            let body = try JSONSerialization.jsonObject(with: Data((bodies[id] ?? "").utf8)) as? [String: Any]
            let rendered = body?["messages"] as? [NSDictionary] ?? []
            if rendered != messages { mismatches += 1 }
        }
        return (persisted, mismatches)
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
