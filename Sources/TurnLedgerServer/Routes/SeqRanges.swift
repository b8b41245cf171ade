import HTTPTypes

extension HTTPField.Name {
    /// On a context: the seqs of the history the body renders, as ``SeqRanges`` text.
    static let renderedSeqs = Self("TurnLedger-Rendered-Seqs")!
}

/// Seqs in ascending order written as runs: `1-5,8,10-12` (empty for none).
enum SeqRanges {
    static func text(_ seqs: [Int]) -> String {
        var runs: [String] = []
        var index = seqs.startIndex
        while index < seqs.endIndex {
            var end = index
            while end + 1 < seqs.endIndex, seqs[end + 1] == seqs[end] + 1 { end += 1 }
            runs.append(end == index ? "\(seqs[index])" : "\(seqs[index])-\(seqs[end])")
            index = end + 1
        }
        return runs.joined(separator: ",")
    }
}
