/// Which entries of a log a context renders: the system/developer prefix, the newest summary
/// in place of what it covers, and under a token budget the newest whole steps that fit.
struct ContextWindow {
    var entries: [Entry]
    var omitted: [ClosedRange<Int>]
    var tokens: Int

    static func select(from log: [Entry], maxTokens: Int?, counter: TokenCounter) throws -> ContextWindow {
        let prefix = log.prefix { ($0.role == .system || $0.role == .developer) && $0.summarizes == nil }
        var rest = Array(log.dropFirst(prefix.count))
        if let summary = log.last(where: { $0.summarizes != nil }), let covered = summary.summarizes {
            rest = [summary] + rest.filter { $0.seq > covered.upperBound && $0.seq != summary.seq }
        }
        var steps = TranscriptStep.steps(rest)[...]
        let cost = { (entries: [Entry]) in entries.reduce(0) { $0 + counter.count($1) } }
        let prefixTokens = cost(Array(prefix))
        var tokens = prefixTokens + steps.reduce(0) { $0 + cost($1.entries) }
        if let maxTokens, tokens > maxTokens {
            var budget = maxTokens - prefixTokens
            var start = steps.endIndex
            while start > steps.startIndex, cost(steps[start - 1].entries) <= budget {
                budget -= cost(steps[start - 1].entries)
                start -= 1
            }
            guard start < steps.endIndex else {
                throw LedgerError.contextBudgetTooSmall(
                    maxTokens: maxTokens,
                    needed: prefixTokens + (steps.last.map { cost($0.entries) } ?? 0)
                )
            }
            steps = steps[start...]
            // Start at a user message when one is kept: providers expect the user to speak first.
            if let firstUser = steps.firstIndex(where: { if case .user = $0 { true } else { false } }) {
                steps = steps[firstUser...]
            }
            tokens = prefixTokens + steps.reduce(0) { $0 + cost($1.entries) }
        }
        let entries = Array(prefix) + steps.flatMap(\.entries)
        return ContextWindow(entries: entries, omitted: omittedRanges(log: log, kept: entries), tokens: tokens)
    }

    private static func omittedRanges(log: [Entry], kept: [Entry]) -> [ClosedRange<Int>] {
        let keptSeqs = Set(kept.map(\.seq))
        var ranges: [ClosedRange<Int>] = []
        for seq in log.map(\.seq) where !keptSeqs.contains(seq) {
            if let last = ranges.last, last.upperBound + 1 == seq {
                ranges[ranges.count - 1] = last.lowerBound...seq
            } else {
                ranges.append(seq...seq)
            }
        }
        return ranges
    }
}
