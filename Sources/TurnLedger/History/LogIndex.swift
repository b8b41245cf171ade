import Crypto
import Foundation
import GRDB

/// The hash chain and the search rows of the log, extended in the transaction that appends
/// the rows they describe.
enum LogIndex {
    /// The hash before a session's first own seq when it has no parent.
    static let genesis = Data(repeating: 0, count: 32)

    /// Hashes and indexes every own log row of `sessionId` that has no hash yet. Called by
    /// every write that adds log rows, inside its transaction.
    static func extend(_ db: Database, _ sessionId: String) throws {
        try chain(db, sessionId, storingSearchRows: true)
        try SearchIndex.catchUp(db)
    }

    /// Extends the chain by `item`, the one row the caller just inserted, without reading it back;
    /// when the chain does not end right before it (rows another client wrote, a fork's or a new
    /// session's first row), as ``extend(_:_:)`` does.
    static func extend(_ db: Database, _ sessionId: String, with item: LogItem) throws {
        guard let head = try head(db, sessionId), head.seq == item.seq - 1 else {
            return try extend(db, sessionId)
        }
        try db.cachedStatement(sql: "INSERT INTO logHash (sessionId, seq, hash) VALUES (?, ?, ?)")
            .execute(arguments: [sessionId, item.seq, chain(head.hash, item)])
        for doc in item.searchDocs { try doc.insert(db) }
        try SearchIndex.catchUp(db)
    }

    /// The last hashed seq of a session's own rows, and its hash.
    private static func head(_ db: Database, _ sessionId: String) throws -> (seq: Int, hash: Data)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, hash FROM logHash WHERE sessionId = ? ORDER BY seq DESC LIMIT 1"),
            arguments: [sessionId]
        ).map { ($0[0], $0[1]) }
    }

    /// Hashes the rows without one; with `storingSearchRows`, writes their search rows too.
    private static func chain(_ db: Database, _ sessionId: String, storingSearchRows: Bool) throws {
        var previous: Data
        let after: Int
        if let head = try head(db, sessionId) {
            after = head.seq
            previous = head.hash
        } else {
            let lineage = try Lineage.of(db, sessionId)
            after = lineage.forkSeq
            previous = try hash(db, of: lineage, at: after)
        }
        for item in try LogItem.read(db, of: sessionId, after: after) {
            previous = chain(previous, item)
            try db.cachedStatement(sql: "INSERT INTO logHash (sessionId, seq, hash) VALUES (?, ?, ?)")
                .execute(arguments: [sessionId, item.seq, previous])
            if storingSearchRows { for doc in item.searchDocs { try doc.insert(db) } }
        }
    }

    /// The hash after `item`, given the hash before it.
    static func chain(_ previous: Data, _ item: LogItem) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: item.canonical)
        return Data(hasher.finalize())
    }

    /// The stored hash at `seq` of a history (in whichever session owns that seq); the genesis
    /// hash for seq 0.
    static func hash(_ db: Database, of lineage: Lineage, at seq: Int) throws -> Data {
        guard seq > 0, let owner = lineage.owner(of: seq) else { return genesis }
        return try Data.fetchOne(
            db.cachedStatement(sql: "SELECT hash FROM logHash WHERE sessionId = ? AND seq = ?"),
            arguments: [owner, seq]) ?? genesis
    }

    /// Hashes every session's log: run once when the migration that adds the chain (0005) meets a
    /// database with history. Parents come before their forks. Its search rows are written by
    /// 0008's follow-up (``SearchIndex/rebuild(_:)``), in the shape search has since.
    static func backfill(_ db: Database) throws {
        for id in try Lineage.sessionsParentsFirst(db) { try chain(db, id, storingSearchRows: false) }
    }
}
