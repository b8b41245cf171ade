/// Where each part of a session's history is stored: a fork's history is its parent's log up
/// to the fork point (itself maybe inherited), then its own rows.
struct Lineage {
    /// One run of seqs stored under the session whose key is `owner`, oldest first.
    struct Segment {
        var owner: Int64
        var seqs: ClosedRange<Int>
    }

    var session: SessionRef
    /// Oldest first; the last one is the session's own rows.
    var segments: [Segment]

    /// The session's own rows start after this seq: 0, or the fork point.
    var forkSeq: Int { segments.last.map { $0.seqs.lowerBound - 1 } ?? 0 }

    /// The segments clipped to `seqs`, dropping the empty ones.
    func segments(within seqs: ClosedRange<Int>) -> [Segment] {
        segments.compactMap { segment in
            let lower = max(segment.seqs.lowerBound, seqs.lowerBound)
            let upper = min(segment.seqs.upperBound, seqs.upperBound)
            return lower <= upper ? Segment(owner: segment.owner, seqs: lower...upper) : nil
        }
    }

    /// The key of the session that stores `seq` of this history.
    func owner(of seq: Int) -> Int64? {
        segments.first { $0.seqs.contains(seq) }?.owner
    }
}

extension Lineage {
    /// The lineage of `session` from its ancestry, as either engine reads it: the session's key
    /// and fork point, then its parent's, and so on up to a session that is no fork.
    init(_ session: SessionRef, ancestry: [(key: Int64, parentSeq: Int?)]) {
        var segments: [Segment] = []
        var upper = Int.max
        for (key, parentSeq) in ancestry {
            let lower = (parentSeq ?? 0) + 1
            if lower <= upper { segments.insert(Segment(owner: key, seqs: lower...upper), at: 0) }
            upper = min(upper, lower - 1)
        }
        self.init(session: session, segments: segments)
    }
}
