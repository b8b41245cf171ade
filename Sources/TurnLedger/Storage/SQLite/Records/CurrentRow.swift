import Foundation
import GRDB
import GRDBSQLite

/// The columns of the row a statement stands on, read with SQLite's own column functions: the
/// read path of every history (docs/performance.md, eighteenth session). GRDB's `Row` wraps each
/// text column it hands over in a `Data` and reads each value through a generic conversion; here
/// a text is read where SQLite holds it, for as long as the row is current.
///
/// Use it between a cursor's `next()` and the next: `Row.fetchCursor(statement)`, then
/// `CurrentRow(statement)` for each row the cursor stands on.
struct CurrentRow {
    private let statement: SQLiteStatement

    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    func int(_ column: Int32) -> Int {
        Int(sqlite3_column_int64(statement, column))
    }

    func optionalInt(_ column: Int32) -> Int? {
        isNull(column) ? nil : int(column)
    }

    /// A text column's bytes, all of them (a NUL inside is the model's data), without a copy;
    /// empty for NULL.
    func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        guard let text = sqlite3_column_text(statement, column) else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))))
    }

    func text(_ column: Int32) -> String {
        withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// A `parts` column decoded from its bytes (``PartsCodec``).
    func parts(_ column: Int32) throws -> [ContentPart] {
        try withBytes(column) { bytes in try PartsCodec.decode(bytes: bytes) }
    }

    /// A timestamp column (``Timestamp``); `name` says which, when it holds something else.
    func date(_ column: Int32, _ name: String) throws -> Date {
        try withBytes(column) { Timestamp.parse(bytes: $0) }.orInvalidRow(name)
    }

    /// A text column holding one of `T`'s raw values; `name` says which, when it holds another.
    func value<T: RawRepresentable>(_ column: Int32, _ name: String) throws -> T where T.RawValue == String {
        try T(rawValue: text(column)).orInvalidRow(name)
    }
}
