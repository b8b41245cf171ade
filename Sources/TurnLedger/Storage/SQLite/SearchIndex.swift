import GRDB

/// The FTS5 index of `searchDoc`, filled in batches (docs/schema.md, "Search").
///
/// Every write adds its search rows to `searchDoc` in its own transaction. FTS5 writes a new
/// segment for each transaction that changes it, so indexing each write's rows at once cost
/// several pages a message; instead, once `batchSize` rows wait, the write that sees it moves
/// them all into the index, in its transaction. A search reads the index for the rows it took
/// and a small in-memory index of the rest (``tail(_:)``), so it sees every committed row.
enum SearchIndex {
    static let batchSize = 128

    /// The last `searchDoc` id the FTS index took.
    static func indexedThrough(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT throughId FROM searchIndexed WHERE singleton = 1")) ?? 0
    }

    /// Moves the waiting rows into the index once a batch is full. Called by every write that adds
    /// search rows, inside its transaction.
    static func catchUp(_ db: Database) throws {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT throughId, (SELECT max(id) FROM searchDoc) FROM searchIndexed WHERE singleton = 1"))
        let through: Int = row?[0] ?? 0
        let last: Int = row?[1] ?? 0
        guard last - through >= batchSize else { return }
        try db.cachedStatement(
            sql: "INSERT INTO searchText (rowid, body, scope) SELECT id, body, scope FROM searchSource WHERE id > ?"
        ).execute(arguments: [through])
        try db.cachedStatement(sql: "UPDATE searchIndexed SET throughId = ? WHERE singleton = 1")
            .execute(arguments: [last])
    }

    /// Hashes the rows without a hash (``LogIndex/backfill(_:)``), writes the search rows of every
    /// session's chained log rows and indexes them all: migration 0009's follow-up, run after 0010
    /// (0008 and 0009 made the search rows anew). Rows outside the hash chain (written by another client) get
    /// theirs when the next write chains them.
    static func rebuild(_ db: Database) throws {
        try LogIndex.backfill(db)
        for session in try Lineage.sessionsParentsFirst(db) {
            let chained = try Int.fetchOne(
                db, sql: "SELECT max(seq) FROM logHash WHERE sessionKey = ?", arguments: [session.key])
            for item in try LogItem.read(db, of: session.key, after: try Lineage.of(db, session).forkSeq)
            where item.seq <= chained ?? 0 {
                for doc in item.searchDocs { try doc.insert(db) }
            }
        }
        try db.execute(
            sql: """
                INSERT INTO searchText (searchText) VALUES ('rebuild');
                UPDATE searchIndexed SET throughId = (SELECT coalesce(max(id), 0) FROM searchDoc) WHERE singleton = 1;
                """)
    }

    /// Puts the rows the index has not taken yet and that `filter` keeps (an SQL condition on
    /// `searchDoc d`) into `temp.searchTail`, an in-memory FTS5 table of this connection with the
    /// same tokenizer and rank; returns false when there are none.
    static func tail(_ db: Database, filter: String, arguments: StatementArguments) throws -> Bool {
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE IF NOT EXISTS temp.searchTail USING fts5(
                    body, scope, tokenize = 'unicode61 remove_diacritics 2');
                DELETE FROM temp.searchTail;
                """)
        try db.execute(
            sql: """
                INSERT INTO temp.searchTail (rowid, body, scope)
                SELECT d.id, s.body, d.scope FROM searchDoc d JOIN searchSource s ON s.id = d.id
                WHERE d.id > ? AND \(filter)
                """,
            arguments: [try indexedThrough(db)] + arguments)
        guard db.changesCount > 0 else { return false }
        try db.execute(sql: "INSERT INTO temp.searchTail (searchTail, rank) VALUES ('rank', 'bm25(1.0, 0.0)')")
        return true
    }
}
