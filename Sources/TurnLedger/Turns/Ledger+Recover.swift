import Foundation
import Logging

extension Ledger {
    /// The content of a result that ``recover(sessionID:)`` writes for a call that never returned.
    public static let interruptedResultText =
        "The result of this tool call is unavailable: the process running it stopped before the result "
        + "was recorded. The tool may or may not have run."

    /// Closes open turns after a crash: every unanswered call gets an `interrupted` result
    /// (``interruptedResultText``), placed right after its call, and the turn is committed.
    ///
    /// Results recorded before the crash are kept. All turns are closed in one transaction.
    /// To resume a turn instead, list it with ``openTurns()`` and record the missing results.
    ///
    /// - Parameters:
    ///   - sessionID: Only this session's open turn; when nil, every open turn of the sessions
    ///     in the ledger's scope.
    ///   - idleFor: Only turns with nothing written to them (opened, or a result recorded) for at
    ///     least this long. Pass it when other live processes may be working on open turns (several
    ///     services on one store, or a CLI beside a service): their newer turns are left alone.
    /// - Returns: The turns it committed, oldest first.
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` for a negative `idleFor`.
    @discardableResult
    public func recover(sessionID: String? = nil, idleFor: Duration? = nil) async throws -> [Turn] {
        if let idleFor, idleFor < .zero {
            throw LedgerError.invalidInput(field: "idleFor", reason: "must be zero or more, not \(idleFor)")
        }
        let idleSince = idleFor.map { Timestamp.now().addingTimeInterval(-$0.timeInterval) }
        let turns = try await store.recover(sessionID, in: scope, idleSince: idleSince)
        for (_, session) in turns { await announce(session.key) }
        if !turns.isEmpty {
            logger.debug("recovered open turns", metadata: ["count": "\(turns.count)"])
        }
        return turns.map(\.0)
    }
}

extension Turn {
    /// When the turn was last written to: opened, or its newest result recorded.
    var lastWrite: Date { results.map(\.recordedAt).max().map { max($0, openedAt) } ?? openedAt }
}
