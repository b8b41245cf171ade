import Foundation
import Logging

extension Ledger {
    /// Imports a TurnLedger export (``export(to:)``) in one transaction: all of it or nothing.
    ///
    /// Sessions, entries, calls, results, usage, summaries, forks, open turns and purge records
    /// are written with their original timestamps and keys; each entry's hash is recomputed and
    /// must equal the exported one, so an edited or damaged file is refused. Importing an export
    /// into an empty store gives an identical store: the same export, the same contexts.
    ///
    /// - Throws: ``LedgerError/exportRejected(line:reason:)`` naming the line;
    ///   ``LedgerError/sessionAlreadyExists(_:)`` when a session id is taken.
    @discardableResult
    public func importExport(from url: URL) async throws -> ExportSummary {
        let summary = try await store.importExport(from: url, scope: scope)
        logger.info("imported export", metadata: ["sessions": "\(summary.sessions)", "lines": "\(summary.lines)"])
        return summary
    }
}
