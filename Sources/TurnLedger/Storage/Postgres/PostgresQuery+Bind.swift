import PostgresNIO

extension PostgresQuery {
    /// Appends `value` to the binds of a query built piece by piece, and returns its placeholder
    /// (`$1`, `$2`, …) to write into the SQL.
    mutating func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String {
        try binds.append(value)
        return "$\(binds.count)"
    }
}
