/// What ``Ledger/verify()`` found: empty `problems` means every check passed.
public struct VerificationReport: Sendable, Hashable, Codable {
    /// One violation: the check that failed and the row it failed on.
    public struct Problem: Sendable, Hashable, Codable {
        /// The check's stable name, e.g. `call_without_result`.
        public var check: String
        public var detail: String

        /// Creates a problem.
        public init(check: String, detail: String) {
            self.check = check
            self.detail = detail
        }
    }

    /// The names of the checks that ran, in order.
    public var checks: [String]
    public var problems: [Problem]

    /// Whether every check passed.
    public var isClean: Bool { problems.isEmpty }

    /// Creates a report.
    public init(checks: [String], problems: [Problem]) {
        self.checks = checks
        self.problems = problems
    }
}
