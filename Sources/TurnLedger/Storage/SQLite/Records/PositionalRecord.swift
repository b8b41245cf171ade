import GRDB

/// A record that selects an explicit list of columns and reads them by position: GRDB looks a
/// column up by name with a lowercased copy and a hash for every column of every row.
protocol PositionalRecord: FetchableRecord, TableRecord {
    /// The columns `init(row:)` reads, in the order it reads them.
    static var columnNames: [String] { get }
}

extension PositionalRecord {
    /// The columns, for `SELECT \(selectedColumns) FROM …`.
    static var selectedColumns: String { columnNames.joined(separator: ", ") }

    /// The columns of the table aliased `prefix`, for a join.
    static func selectedColumns(prefix: String) -> String {
        columnNames.map { "\(prefix).\($0)" }.joined(separator: ", ")
    }

    static var databaseSelection: [any SQLSelectable] { columnNames.map { Column($0) } }
}
