import GRDB

/// The rows of one query ordered by a seq column, stepped together with a read of the log: as
/// the read reaches each entry, it takes the rows at that entry's seq (its calls, its results,
/// its usage). So the log is built in one pass, each entry once, in place.
struct RowsBySeq {
    private let rows: RowCursor
    private let row: CurrentRow
    private let seqColumn: Int32
    /// The seq of the row the cursor stands on; nil once the rows are done.
    private var current: Int?

    /// The rows a cached statement of `sql` selects, ordered by the seq in column `seqColumn`.
    init(_ db: Database, _ sql: String, _ arguments: StatementArguments, seqColumn: Int32) throws {
        let statement = try db.cachedStatement(sql: sql)
        rows = try Row.fetchCursor(statement, arguments: arguments)
        row = CurrentRow(statement)
        self.seqColumn = seqColumn
        current = try rows.next() != nil ? row.int(seqColumn) : nil
    }

    /// Runs `body` on each row at `seq`, in order, after passing over any before it.
    mutating func take(at seq: Int, _ body: (CurrentRow) throws -> Void) throws {
        while let current, current <= seq {
            if current == seq { try body(row) }
            self.current = try rows.next() != nil ? row.int(seqColumn) : nil
        }
    }
}
