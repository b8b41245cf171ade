/// One invariant of the schema, written as a query that returns one line per violation.
///
/// The triggers keep these from happening through any connection; the queries find a
/// database that was edited behind the store's back (triggers dropped, a file copied over).
/// Each engine writes them in its SQL, under the same names and with the same lines:
/// ``InvariantCheck/sqlite`` and ``InvariantCheck/postgres`` (most of them written once:
/// ``InvariantCheck/common(_:)``).
struct InvariantCheck: Sendable {
    var name: String
    var sql: String
}
