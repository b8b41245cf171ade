import Foundation

extension Ledger {
    /// Checks the whole database: the engine's own integrity check (SQLite's `integrity_check`,
    /// PostgreSQL's damaged pages), that every guard trigger is still there, every invariant as a
    /// query, and every session's hash chain recomputed from its rows. Reads one snapshot.
    ///
    /// - Returns: A report whose `problems` name each violation; it throws only when the
    ///   database cannot be read at all.
    public func verify() async throws -> VerificationReport {
        try await store.verify()
    }
}
