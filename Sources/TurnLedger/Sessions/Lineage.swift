import GRDB

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

    /// The lineage of a session; throws ``LedgerError/sessionNotFound(_:)``.
    static func of(_ db: Database, _ session: SessionRef) throws -> Lineage {
        var ancestry: [(key: Int64, parentSeq: Int?)] = []
        var current: Int64? = session.key
        while let key = current {
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT parentKey, parentSeq FROM session WHERE key = ?"),
                    arguments: [key])
            else {
                if key == session.key { throw LedgerError.sessionNotFound(session.id) }
                break  // a parent removed behind the store's back: the history stops here
            }
            ancestry.append((key, row[1]))
            current = row[0]
        }
        return Lineage(session, ancestry: ancestry)
    }

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

    /// Every session (of `scope`), parents before their forks, then by creation time, id and
    /// key: the order in which a history can be rebuilt.
    static func sessionsParentsFirst(_ db: Database, in scope: TenantScope = .all) throws -> [SessionRef] {
        let filter = scope.sessionFilter
        return try Row.fetchAll(
            db,
            sql: """
                WITH RECURSIVE depth(key, level) AS (
                    SELECT key, 0 FROM session WHERE parentKey IS NULL
                    UNION ALL SELECT s.key, d.level + 1 FROM session s JOIN depth d ON s.parentKey = d.key)
                SELECT s.key, s.id FROM depth d JOIN session s ON s.key = d.key
                WHERE \(filter.sql)
                ORDER BY d.level, s.createdAt, s.id, s.key
                """,
            arguments: filter.arguments
        ).map { SessionRef(key: $0[0], id: try $0.text(at: 1)) }
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
