import PostgresNIO

extension PostgresQuery {
    /// Appends `value` to the binds of a query built piece by piece, and returns its placeholder
    /// (`$1`, `$2`, …) to write into the SQL.
    mutating func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String {
        try binds.append(value)
        return "$\(binds.count)"
    }
}

extension TenantScope {
    /// The condition on `column` (a session's tenant) that keeps the sessions in this scope, its
    /// tenant bound into `query`; nil when every session is in scope.
    func postgresCondition(on column: String, binding query: inout PostgresQuery) throws -> String? {
        guard case .tenant(let tenant) = self else { return nil }
        guard let tenant else { return "\(column) IS NULL" }
        return "\(column) = \(try query.bind(tenant))"
    }

    /// The same condition as a query of its own, `TRUE` when every session is in scope: its
    /// `sql` goes after a `WHERE`, its binds with it.
    func postgresCondition(on column: String) throws -> PostgresQuery {
        var condition = PostgresQuery(unsafeSQL: "")
        condition.sql = try postgresCondition(on: column, binding: &condition) ?? "TRUE"
        return condition
    }
}
