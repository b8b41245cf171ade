/// Which entries of a log a context renders: the system/developer prefix, the newest summary
/// in place of what it covers, and under a token budget the newest whole steps that fit.
struct ContextWindow {
    var entries: [Entry]
    var omitted: [ClosedRange<Int>]
    var tokens: Int

    static func select(from log: [Entry], maxTokens: Int?, counter: TokenCounter) throws -> ContextWindow {
        if maxTokens == nil, !log.contains(where: { $0.summarizes != nil }) {
            // No budget and no summary: the whole log, as the steps below would give it, uncopied.
            return ContextWindow(entries: log, omitted: [], tokens: log.reduce(0) { $0 + counter.count($1) })
        }
        let prefix = log.prefix { ($0.role == .system || $0.role == .developer) && $0.summarizes == nil }
        let splitting = Set(log.filter { splitsATurn($0, of: log) }.map(\.seq))
        var rest = log.dropFirst(prefix.count).filter { !splitting.contains($0.seq) }
        if let summary = rest.last(where: { $0.summarizes != nil }), let covered = summary.summarizes {
            rest = [summary] + rest.filter { $0.seq > covered.upperBound && $0.seq != summary.seq }
        }
        let steps = TranscriptStep.steps(rest)
        // The counter may be a real tokenizer: each entry is counted once.
        let costs = steps.map { step in step.entries.reduce(0) { $0 + counter.count($1) } }
        let prefixTokens = prefix.reduce(0) { $0 + counter.count($1) }
        var start = 0
        if let maxTokens, prefixTokens + costs.reduce(0, +) > maxTokens {
            var budget = maxTokens - prefixTokens
            start = steps.count
            while start > 0, costs[start - 1] <= budget {
                budget -= costs[start - 1]
                start -= 1
            }
            guard start < steps.count else {
                throw LedgerError.contextBudgetTooSmall(maxTokens: maxTokens, needed: prefixTokens + (costs.last ?? 0))
            }
            // Start at a user message when one is kept: providers expect the user to speak first.
            if let firstUser = steps[start...].firstIndex(where: { if case .user = $0 { true } else { false } }) {
                start = firstUser
            }
        }
        let kept = steps[start...]
        let tokens = prefixTokens + costs[start...].reduce(0, +)
        let entries = Array(prefix) + kept.flatMap(\.entries)
        return ContextWindow(entries: entries, omitted: omittedRanges(log: log, kept: entries), tokens: tokens)
    }

    /// Whether `entry` is a summary whose range splits a turn. The schema refuses such a summary,
    /// but a database written before it checked a fork's inherited turns may hold one (`verify`
    /// names it): it is left out, rather than leave the session with no valid context.
    private static func splitsATurn(_ entry: Entry, of log: [Entry]) -> Bool {
        guard let covered = entry.summarizes else { return false }
        return log.contains { turn in
            let calls = turn.toolCalls.count
            return calls > 0
                && ((turn.seq <= covered.upperBound && covered.upperBound < turn.seq + calls)
                    || (turn.seq < covered.lowerBound && covered.lowerBound <= turn.seq + calls))
        }
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
