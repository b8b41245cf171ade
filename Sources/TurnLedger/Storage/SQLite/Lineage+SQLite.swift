import Foundation
import GRDB

extension Lineage {
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

    /// Every session (of `scope`), parents before their forks (``SharedSQL/sessionsParentsFirst(where:)``).
    static func sessionsParentsFirst(_ db: Database, in scope: TenantScope = .all) throws -> [SessionRef] {
        let filter = scope.sessionFilter
        return try Row.fetchAll(
            db, sql: SharedSQL.sessionsParentsFirst(where: filter.sql), arguments: filter.arguments
        ).map { SessionRef(key: $0[0], id: try $0.text(at: 1)) }
    }
}

extension Rewinds {
    /// Whether the lineage holds a marker at or below `seq`: one probe of the index `entryRewinds`
    /// per segment, which holds markers only. Without one, the history is the log.
    static func occur(_ db: Database, in lineage: Lineage, upTo seq: Int) throws -> Bool {
        for segment in lineage.segments(within: 1...max(seq, 1)) {
            let found = try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT 1 FROM entry INDEXED BY entryRewinds
                        WHERE sessionKey = ? AND seq BETWEEN ? AND ? AND rewindTo IS NOT NULL LIMIT 1
                        """),
                arguments: [segment.owner, segment.seqs.lowerBound, segment.seqs.upperBound])
            if found == true { return true }
        }
        return false
    }
}
