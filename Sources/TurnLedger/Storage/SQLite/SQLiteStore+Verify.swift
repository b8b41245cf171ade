import Foundation
import GRDB

/// Verify on SQLite: SQLite's integrity check, the guard triggers, every invariant as a query,
/// and every hash chain recomputed from the rows.
extension SQLiteStore {
    func verify() async throws -> VerificationReport {
        try await read { db in
            var problems: [VerificationReport.Problem] = []
            for line in try String.fetchAll(db, sql: "PRAGMA integrity_check") where line != "ok" {
                problems.append(.init(check: "integrity", detail: line))
            }
            let triggers = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            for name in Self.guardTriggers where !triggers.contains(name) {
                problems.append(.init(check: "guard_trigger", detail: "trigger \(name) is missing"))
            }
            for check in InvariantCheck.sqlite {
                for line in try String.fetchAll(db, sql: check.sql) {
                    problems.append(.init(check: check.name, detail: line))
                }
            }
            for line in try Self.brokenHashChains(db) {
                problems.append(.init(check: "hash_chain", detail: line))
            }
            let names = ["integrity", "guard_trigger"] + InvariantCheck.sqlite.map(\.name) + ["hash_chain"]
            return VerificationReport(checks: names, problems: problems)
        }
    }

    /// Recomputes every session's hash chain from its rows and names the first seq whose
    /// stored hash differs (a row edited, inserted or deleted behind the store's back).
    static func brokenHashChains(_ db: Database) throws -> [String] {
        var broken: [String] = []
        for session in try Lineage.sessionsParentsFirst(db) {
            if let firstBroken = try LogIndex.firstBreak(db, of: session) {
                broken.append("session '\(session.id)': the hash chain breaks at seq \(firstBroken)")
            }
        }
        return broken
    }

    /// The triggers the migrations leave in place, read from their embedded text in order: a
    /// later migration may drop one and create its successor.
    static let guardTriggers: [String] = {
        var names: [String] = []
        for migration in DatabaseMigrator.ledgerMigrations {
            for line in String(decoding: migration.sql, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let words = line.split(separator: " ")
                guard words.count > 2, words[1] == "TRIGGER" else { continue }
                let name = String(words[2].trimmingCharacters(in: [";"]))
                if words[0] == "CREATE" { names.append(name) }
                if words[0] == "DROP" { names.removeAll { $0 == name } }
            }
        }
        return names
    }()
}
