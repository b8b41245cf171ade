import Foundation
import Synchronization

/// Counters of the service, served in the Prometheus text format at `/metrics`.
final class ServiceMetrics: Sendable {
    private struct State {
        var requests: [UInt16: Int] = [:]  // by status code
        var latencyBuckets = [Int](repeating: 0, count: ServiceMetrics.bucketBounds.count)
        var latencySum = 0.0
        var latencyCount = 0
        var commits = 0
    }

    static let bucketBounds = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]
    private let state = Mutex(State())

    func recordRequest(status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[UInt16(status), default: 0] += 1
            for (index, bound) in Self.bucketBounds.enumerated() where seconds <= bound {
                state.latencyBuckets[index] += 1
            }
            state.latencySum += seconds
            state.latencyCount += 1
        }
    }

    func recordCommit() {
        state.withLock { $0.commits += 1 }
    }

    /// The text format, with the open-turn gauge read by the caller.
    func render(openTurns: Int) -> String {
        state.withLock { state in
            var lines = [
                "# HELP turnledger_http_requests_total HTTP requests by status code.",
                "# TYPE turnledger_http_requests_total counter",
            ]
            for (status, count) in state.requests.sorted(by: { $0.key < $1.key }) {
                lines.append("turnledger_http_requests_total{status=\"\(status)\"} \(count)")
            }
            lines += [
                "# HELP turnledger_http_request_duration_seconds Time to answer a request.",
                "# TYPE turnledger_http_request_duration_seconds histogram",
            ]
            for (bound, count) in zip(Self.bucketBounds, state.latencyBuckets) {
                lines.append("turnledger_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(count)")
            }
            lines += [
                "turnledger_http_request_duration_seconds_bucket{le=\"+Inf\"} \(state.latencyCount)",
                "turnledger_http_request_duration_seconds_sum \(state.latencySum)",
                "turnledger_http_request_duration_seconds_count \(state.latencyCount)",
                "# HELP turnledger_commits_total Turns committed, cancelled or recovered through the service.",
                "# TYPE turnledger_commits_total counter",
                "turnledger_commits_total \(state.commits)",
                "# HELP turnledger_open_turns Turns open now, in the whole store.",
                "# TYPE turnledger_open_turns gauge",
                "turnledger_open_turns \(openTurns)",
            ]
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
