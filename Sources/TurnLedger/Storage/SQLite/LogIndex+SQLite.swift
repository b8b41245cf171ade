import Foundation
import GRDB

/// The hash chain and the search rows of the log on SQLite, extended in the transaction that
/// appends the rows they describe.
extension LogIndex {
    /// Hashes and indexes every own log row of `session` that has no hash yet. Called by
    /// every write that adds log rows, inside its transaction.
    static func extend(_ db: Database, _ session: SessionRef) throws {
        try chain(db, session, storingSearchRows: true)
        try SearchIndex.catchUp(db)
    }

    /// Extends the chain by `items`, the rows the caller just inserted (in seq order, following
    /// each other), without reading them back; when the chain does not end right before the first
    /// (rows another client wrote, a fork's first row), as ``extend(_:_:)`` does.
    ///
    /// - Parameter knownHead: The chain's last seq and hash as the caller knows them (a
    ///   ``WriteCursor``), read from the file when nil.
    /// - Returns: The chain's hash before the first item and at the last, or nil when the chain
    ///   was extended by reading the rows back (it may then also hold rows other than `items`).
    @discardableResult
    static func extend(
        _ db: Database, _ session: SessionRef, with items: [LogItem], knownHead: (seq: Int, hash: Data)? = nil
    ) throws -> ChainStep? {
        guard let first = items.first else { return nil }
        let before: Data
        switch try knownHead ?? head(db, session.key) {
        case let head? where head.seq == first.seq - 1: before = head.hash
        case nil where first.seq == 1: before = genesis  // a session's first row, fork at 0 or none
        default:
            try extend(db, session)
            return nil
        }
        var previous = before
        for item in items {
            previous = chain(previous, item)
            try db.cachedStatement(sql: "INSERT INTO logHash (sessionKey, seq, hash) VALUES (?, ?, ?)")
                .execute(arguments: [session.key, item.seq, previous])
            for doc in item.searchDocs { try doc.insert(db) }
        }
        try SearchIndex.catchUp(db)
        return ChainStep(before: before, after: previous)
    }

    /// The last hashed seq of a session's own rows, and its hash.
    private static func head(_ db: Database, _ sessionKey: Int64) throws -> (seq: Int, hash: Data)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, hash FROM logHash WHERE sessionKey = ? ORDER BY seq DESC LIMIT 1"),
            arguments: [sessionKey]
        ).map { ($0[0], $0[1]) }
    }

    /// Hashes the rows without one; with `storingSearchRows`, writes their search rows too.
    private static func chain(_ db: Database, _ session: SessionRef, storingSearchRows: Bool) throws {
        var previous: Data
        let after: Int
        if let head = try head(db, session.key) {
            after = head.seq
            previous = head.hash
        } else {
            let lineage = try Lineage.of(db, session)
            after = lineage.forkSeq
            previous = try hash(db, of: lineage, at: after)
        }
        for item in try LogItem.read(db, of: session.key, after: after) {
            previous = chain(previous, item)
            try db.cachedStatement(sql: "INSERT INTO logHash (sessionKey, seq, hash) VALUES (?, ?, ?)")
                .execute(arguments: [session.key, item.seq, previous])
            if storingSearchRows { for doc in item.searchDocs { try doc.insert(db) } }
        }
    }

    /// The stored hash at `seq` of a history (in whichever session owns that seq); the genesis
    /// hash for seq 0.
    static func hash(_ db: Database, of lineage: Lineage, at seq: Int) throws -> Data {
        guard seq > 0 else { return genesis }
        return try storedHash(db, of: lineage, at: seq) ?? genesis
    }

    /// The stored hash at `seq` of a history, or nil when that seq has none (yet): rows another
    /// client wrote are chained by the library's next write.
    static func storedHash(_ db: Database, of lineage: Lineage, at seq: Int) throws -> Data? {
        guard let owner = lineage.owner(of: seq) else { return nil }
        return try Data.fetchOne(
            db.cachedStatement(sql: "SELECT hash FROM logHash WHERE sessionKey = ? AND seq = ?"),
            arguments: [owner, seq])
    }

    /// The first seq of `session`'s own rows where the chain recomputed from its rows (their tool
    /// text read as `toolText` says) differs from the stored hashes, as ``LogIndex/firstBreak(of:after:stored:)``
    /// finds it; nil when the chain holds.
    static func firstBreak(_ db: Database, of session: SessionRef, toolText: LogItem.ToolText = .whole) throws -> Int? {
        let lineage = try Lineage.of(db, session)
        var stored: [Int: Data] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT seq, hash FROM logHash WHERE sessionKey = ?", arguments: [session.key])
        {
            stored[row[0]] = row[1]
        }
        let items = try LogItem.read(db, of: session.key, after: lineage.forkSeq, toolText: toolText)
        return firstBreak(of: items, after: try hash(db, of: lineage, at: lineage.forkSeq), stored: stored)
    }

    /// Migration 0011's follow-up: the chain now covers the text of tool rows whole, so every
    /// session with a call id, tool name or arguments (or a result's call id) that holds a NUL is
    /// chained again, and so are its forks (each chains from its parent's hash at the fork point).
    /// Only a chain that held under the old reading is chained again: one that did not was edited
    /// behind the store's back, and `verify` goes on reporting it.
    static func rechainWholeToolText(_ db: Database) throws {
        let holdingNUL = Set(
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT sessionKey FROM toolCall
                    WHERE instr(CAST(callId AS BLOB), x'00') OR instr(CAST(name AS BLOB), x'00')
                       OR instr(CAST(arguments AS BLOB), x'00')
                    UNION SELECT sessionKey FROM toolResult WHERE instr(CAST(callId AS BLOB), x'00')
                    """))
        guard !holdingNUL.isEmpty else { return }
        var affected: [SessionRef] = []
        var affectedKeys = Set<Int64>()
        for session in try Lineage.sessionsParentsFirst(db) {  // parents first
            let parent = try Int64.fetchOne(
                db, sql: "SELECT parentKey FROM session WHERE key = ?", arguments: [session.key])
            if holdingNUL.contains(session.key) || parent.map(affectedKeys.contains) == true {
                affected.append(session)
                affectedKeys.insert(session.key)
            }
        }
        // Every chain is judged before any changes: a fork's old chain starts from its parent's old hash.
        let intact = try affected.filter { try firstBreak(db, of: $0, toolText: .upToFirstNUL) == nil }
        for session in intact {
            // The append-only guard of logHash lets a delete through only for a session being purged.
            try db.execute(sql: "INSERT INTO purgeInProgress (sessionKey) VALUES (?)", arguments: [session.key])
            try db.execute(sql: "DELETE FROM logHash WHERE sessionKey = ?", arguments: [session.key])
            try db.execute(sql: "DELETE FROM purgeInProgress WHERE sessionKey = ?", arguments: [session.key])
            try chain(db, session, storingSearchRows: false)
        }
    }

    /// Hashes every session's rows that have no hash yet (a database from before 0005 has none).
    /// Parents come before their forks. Part of migration 0009's follow-up.
    static func backfill(_ db: Database) throws {
        for session in try Lineage.sessionsParentsFirst(db) { try chain(db, session, storingSearchRows: false) }
    }
}
