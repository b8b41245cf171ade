import GRDB

/// Where each part of a session's history is stored: a fork's history is its parent's log up
/// to the fork point (itself maybe inherited), then its own rows.
struct Lineage {
    /// One run of seqs stored under `owner`, oldest first.
    struct Segment {
        var owner: String
        var seqs: ClosedRange<Int>
    }

    var sessionId: String
    /// Oldest first; the last one is the session's own rows.
    var segments: [Segment]

    /// The session's own rows start after this seq: 0, or the fork point.
    var forkSeq: Int { segments.last.map { $0.seqs.lowerBound - 1 } ?? 0 }

    /// The lineage of a session; throws ``LedgerError/sessionNotFound(_:)``.
    static func of(_ db: Database, _ sessionId: String) throws -> Lineage {
        var segments: [Segment] = []
        var current: String? = sessionId
        var upper = Int.max
        while let id = current {
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT parentSessionId, parentSeq FROM session WHERE id = ?"),
                    arguments: [id])
            else {
                if id == sessionId { throw LedgerError.sessionNotFound(sessionId) }
                break  // a parent removed behind the store's back: the history stops here
            }
            let parentSeq: Int? = row[1]
            let lower = (parentSeq ?? 0) + 1
            if lower <= upper { segments.insert(Segment(owner: id, seqs: lower...upper), at: 0) }
            upper = min(upper, lower - 1)
            current = try row.optionalText(at: 0)
        }
        return Lineage(sessionId: sessionId, segments: segments)
    }

    /// The segments clipped to `seqs`, dropping the empty ones.
    func segments(within seqs: ClosedRange<Int>) -> [Segment] {
        segments.compactMap { segment in
            let lower = max(segment.seqs.lowerBound, seqs.lowerBound)
            let upper = min(segment.seqs.upperBound, seqs.upperBound)
            return lower <= upper ? Segment(owner: segment.owner, seqs: lower...upper) : nil
        }
    }

    /// The session that stores `seq` of this history.
    func owner(of seq: Int) -> String? {
        segments.first { $0.seqs.contains(seq) }?.owner
    }

    /// Every session id (of `tenant` when given), parents before their forks, then by creation
    /// time and id: the order in which a history can be rebuilt.
    static func sessionsParentsFirst(_ db: Database, tenant: String? = nil) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                WITH RECURSIVE depth(id, level) AS (
                    SELECT id, 0 FROM session WHERE parentSessionId IS NULL
                    UNION ALL SELECT s.id, d.level + 1 FROM session s JOIN depth d ON s.parentSessionId = d.id)
                SELECT d.id FROM depth d JOIN session s ON s.id = d.id
                WHERE ?1 IS NULL OR s.tenant = ?1
                ORDER BY d.level, s.createdAt, s.id
                """,
            arguments: [tenant])
    }
}
