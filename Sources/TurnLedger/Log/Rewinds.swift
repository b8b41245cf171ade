/// How rewind markers turn a log into a history (docs/schema.md, "Rewind"): H(0) is empty, an
/// entry at seq n gives H(n) = H(n-1) then the entry (a turn with its results), and a marker at n
/// back to t gives H(n) = H(t).
enum Rewinds {
    /// The messages of the history of `log` (read from seq 1) with seq in `seqs`, at most `limit`,
    /// each with its results.
    static func history(of log: [Entry], in seqs: ClosedRange<Int>, limit: Int?) -> [Entry] {
        let inRange = history(of: log).drop(while: { $0.seq < seqs.lowerBound }).drop(while: { $0.role == .tool })
        return messages(inRange, limit: limit)
    }

    /// The history a log reads as after its last item. `log` is in seq order, each assistant entry
    /// followed by its results, markers included; the result holds no marker.
    ///
    /// Each step (a message, or a turn with its results) points to the step before it in its own
    /// history, so a history is a path in a tree and nested rewinds cost nothing more: O(n).
    static func history(of log: [Entry]) -> [Entry] {
        var steps: [Range<Int>] = []  // indices into `log`
        var previous: [Int?] = []  // for each step, the step before it in its history
        var ends: [(seq: Int, head: Int?)] = []  // after the item ending at `seq`, the newest step
        var head: Int?
        var index = log.startIndex
        while index < log.endIndex {
            let entry = log[index]
            if let target = entry.rewindsTo {
                head = self.head(after: target, in: ends)
                ends.append((entry.seq, head))
                index += 1
                continue
            }
            var end = index + 1
            while end < log.endIndex, log[end].role == .tool { end += 1 }
            steps.append(index..<end)
            previous.append(head)
            head = steps.count - 1
            ends.append((log[end - 1].seq, head))
            index = end
        }
        var path: [Int] = []
        var cursor = head
        while let step = cursor {
            path.append(step)
            cursor = previous[step]
        }
        return path.reversed().flatMap { log[steps[$0]] }
    }

    /// The newest step of H(`seq`): the head after the last item ending at or before it (the
    /// schema keeps a target out of a turn's inside, so that item ends exactly at `seq`).
    private static func head(after seq: Int, in ends: [(seq: Int, head: Int?)]) -> Int? {
        var low = 0
        var high = ends.count
        while low < high {
            let middle = (low + high) / 2
            if ends[middle].seq <= seq { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : ends[low - 1].head
    }

    /// The first `limit` messages of `entries` (results not counted), each with its results.
    static func messages(_ entries: some Collection<Entry>, limit: Int?) -> [Entry] {
        guard var remaining = limit else { return Array(entries) }
        var kept: [Entry] = []
        for entry in entries {
            if entry.role != .tool {
                if remaining == 0 { break }
                remaining -= 1
            }
            kept.append(entry)
        }
        return kept
    }
}
