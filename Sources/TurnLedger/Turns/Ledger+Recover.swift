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
    /// - Parameter sessionID: Only this session's open turn; when nil, every open turn of the sessions
    ///   in the ledger's scope.
    /// - Returns: The turns it committed, oldest first.
    @discardableResult
    public func recover(sessionID: String? = nil) async throws -> [Turn] {
        let turns = try await write { db in
            let records: [(SessionRef, OpenTurnRecord)]
            if let sessionID {
                let session = try scope.session(db, sessionID)
                records = try Self.openTurnRecord(db, in: session).map { [(session, $0)] } ?? []
            } else {
                records = try Self.openTurnRecords(db, in: scope)
            }
            return try records.map { session, record in
                let turn = try Self.loadOpenTurn(db, record, in: session)
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
