import Foundation
import GRDB
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
        if case .postgres(let store) = engine {
            let closed = try await store.close(as: .interrupted, saying: Self.interruptedResultText) { connection in
                let staged: [StagedTurn]
                if let sessionID {
                    let session = try await store.session(connection, scope, sessionID, locking: true)
                    staged = try await store.stagedTurn(connection, in: session).map { [$0] } ?? []
                } else {
                    staged = try await store.stagedTurns(connection, in: scope)
                }
                return staged.filter { idleSince == nil || $0.turn.lastWrite <= idleSince! }
            }
            for (_, session) in closed { feed.announce(session.key) }
            return closed.map(\.0)
        }
        let turns = try await write { db in
            let records: [(SessionRef, OpenTurnRecord)]
            if let sessionID {
                let session = try scope.session(db, sessionID)
                records = try Self.openTurnRecord(db, in: session).map { [(session, $0)] } ?? []
            } else {
                records = try Self.openTurnRecords(db, in: scope)
            }
            return try records.compactMap { session, record -> (Turn, Int64)? in
                let turn = try Self.loadOpenTurn(db, record, in: session)
                if let idleSince, turn.lastWrite > idleSince { return nil }
                let closed = try Self.close(
                    db, StagedTurn(session: session, record: record, turn: turn), as: .interrupted,
                    saying: Self.interruptedResultText)
                return (closed, session.key)
            }
        }
        for (_, key) in turns { feed.announce(key) }
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
