import GRDB

extension Ledger {
    /// Checks the whole database: SQLite's integrity check, that every guard trigger is still
    /// there, and every invariant as a query. Reads one snapshot.
    ///
    /// - Returns: A report whose `problems` name each violation; it throws only when the
    ///   database cannot be read at all.
    public func verify() async throws -> VerificationReport {
        try await writer.read { db in
            var problems: [VerificationReport.Problem] = []
            for line in try String.fetchAll(db, sql: "PRAGMA integrity_check") where line != "ok" {
                problems.append(.init(check: "integrity", detail: line))
            }
            let triggers = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            for name in Self.guardTriggers where !triggers.contains(name) {
                problems.append(.init(check: "guard_trigger", detail: "trigger \(name) is missing"))
            }
            for check in InvariantCheck.all {
                for line in try String.fetchAll(db, sql: check.sql) {
                    problems.append(.init(check: check.name, detail: line))
                }
            }
            let names = ["integrity", "guard_trigger"] + InvariantCheck.all.map(\.name)
            return VerificationReport(checks: names, problems: problems)
        }
    }

    /// The triggers the migrations create, read from their embedded text.
    static let guardTriggers: [String] = DatabaseMigrator.ledgerMigrations.flatMap { migration in
        String(decoding: migration.sql, as: UTF8.self)
            .split(whereSeparator: \.isNewline)
            .compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard words.count > 2, words[0] == "CREATE", words[1] == "TRIGGER" else { return nil }
                return String(words[2])
            }
    }
}
