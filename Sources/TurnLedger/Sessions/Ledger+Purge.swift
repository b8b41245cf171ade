import Foundation
import Logging

extension Ledger {
    /// Removes a whole session: its log, hashes, search rows, usage, open turn and the session
    /// itself, in one transaction, and records the purge in the audit (``purgeAudit()``). The
    /// only way anything leaves the log.
    ///
    /// - Parameters:
    ///   - requestedBy: Who asked (a user, a service, a ticket): kept in the audit.
    ///   - reason: Why: kept in the audit.
    ///   - includingForks: Purge the session's forks (and theirs) too; without it, a session
    ///     with forks is refused, since their history starts with its entries.
    /// - Returns: One audit record per purged session, forks first.
    /// - Throws: ``LedgerError/sessionHasForks(sessionID:forkIDs:)``; ``LedgerError/sessionNotFound(_:)``;
    ///   ``LedgerError/invalidInput(field:reason:)`` for an empty reason or requester.
    @discardableResult
    public func purge(
        _ sessionID: String,
        reason: String,
        requestedBy: String,
        includingForks: Bool = false
    ) async throws -> [PurgeRecord] {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LedgerError.invalidInput(field: "reason", reason: "a purge needs a reason")
        }
        try configuration.checkIdentifier(requestedBy, field: "requestedBy")
        let purged = try await store.purge(
            sessionID, in: scope, reason: reason, requestedBy: requestedBy, includingForks: includingForks)
        let records = purged.map(\.0)
        for (_, session) in purged { await announce(session.key, purged: true) }  // their tails end
        for record in records {
            logger.notice(
                "purged session",
                metadata: [
                    "session": "\(record.sessionId)", "rows": "\(record.rowCount)", "by": "\(requestedBy)",
                ])
        }
        return records
    }

    /// Every purge ever made, oldest first.
    public func purgeAudit() async throws -> [PurgeRecord] {
        try await store.purgeAudit(in: scope)
    }
}
