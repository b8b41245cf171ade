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

    func run(config: String) async throws -> Report {
        let clock = ContinuousClock()
        var order: [String] = []
        var logs: [String: SessionLog] = [:]
        var pending: [String: Set<String>] = [:]  // unanswered call ids of each open turn
        var ingest = Duration.zero
        var messages = 0
        try await workload.forEachLine { line in
            let id = line.session
            let message = line.message
            messages += 1
            if logs[id] == nil {
                order.append(id)
                logs[id] = SessionLog()
                ingest += try await clock.measure { try await ledger.createSession(id: id) }
            }
            logs[id]?.lines.append(line.location)
            logs[id]?.isResult.append(message.role == .tool ? message.toolCallId ?? "" : nil)
            if !message.toolCalls.isEmpty { logs[id]?.callOrders.append(message.toolCalls.map(\.id)) }
            ingest += try await clock.measure {
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
        latencies.sort()
        let percentile = { (p: Double) in
            latencies.isEmpty
                ? 0 : Self.seconds(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) * 1000
        }
        return Report(
            messages: messages,
            sessions: order.count,
            ingest_s: Self.seconds(ingest),
            ingest_msgs_per_s: Double(messages) / Self.seconds(ingest),
            read_s: Self.seconds(read),
            read_sessions_per_s: Double(order.count) / Self.seconds(read),
            context_p50_ms: percentile(0.50),
            context_p99_ms: percentile(0.99),
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
