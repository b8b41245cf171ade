/// How calls to one tool went.
public struct ToolStats: Sendable, Hashable, Codable {
    public var name: String
    public var calls: Int
    public var successes: Int
    public var errors: Int
    public var cancelled: Int
    public var interrupted: Int
    /// `errors / calls`: the share of calls whose tool reported an error.
    public var errorRate: Double
    /// Time from the turn's opening (the model's call) to the result being recorded, in
    /// milliseconds: mean, median, 95th percentile and maximum.
    public var meanMilliseconds: Double
    public var p50Milliseconds: Double
    public var p95Milliseconds: Double
    public var maxMilliseconds: Double

    public init(name: String, outcomes: [ToolOutcome], milliseconds: [Double]) {
        self.name = name
        calls = outcomes.count
        successes = outcomes.count { $0 == .success }
        errors = outcomes.count { $0 == .error }
        cancelled = outcomes.count { $0 == .cancelled }
        interrupted = outcomes.count { $0 == .interrupted }
        errorRate = calls == 0 ? 0 : Double(errors) / Double(calls)
        let sorted = milliseconds.sorted()
        let percentile = { (p: Double) in
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
        }
        meanMilliseconds = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        p50Milliseconds = percentile(0.5)
        p95Milliseconds = percentile(0.95)
        maxMilliseconds = sorted.last ?? 0
    }
}
