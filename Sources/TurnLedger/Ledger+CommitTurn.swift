import GRDB
import Logging

extension Ledger {
    /// Commits a session's open turn: the assistant entry and every result move into the log
    /// in one transaction, results in call order right after their entry.
    ///
    /// - Returns: The committed turn.
    /// - Throws: ``LedgerError/unansweredCalls(sessionID:callIDs:)`` naming every call without a
    ///   result (nothing changes); ``LedgerError/noOpenTurn(sessionID:)``; ``LedgerError/sessionNotFound(_:)``.
    @discardableResult
    public func commitTurn(in sessionID: String) async throws -> Turn {
        let (turn, key) = try await write { db in
            let session = try scope.session(db, sessionID)
            return (try Self.seal(db, try Self.requireOpenTurn(db, in: session)), session.key)
        }
        feed.announce(key)
        logger.debug("committed turn", metadata: ["session": "\(sessionID)", "seq": "\(turn.seq)"])
        return turn
    }

    /// Cancels a session's open turn: every unanswered call gets a `cancelled` result, then the
    /// turn is committed, in one transaction. Results recorded before are kept as they are.
    ///
    /// - Parameter reason: The content of each `cancelled` result.
    /// - Throws: ``LedgerError/noOpenTurn(sessionID:)``; ``LedgerError/sessionNotFound(_:)``.
    @discardableResult
    public func cancelTurn(
        in sessionID: String,
        reason: String = "The tool call was cancelled before it returned a result."
    ) async throws -> Turn {
        let (turn, key) = try await write { db in
            let session = try scope.session(db, sessionID)
            return (try Self.close(db, try Self.requireOpenTurn(db, in: session), as: .cancelled, saying: reason), session.key)
        }
        feed.announce(key)
        logger.debug("cancelled turn", metadata: ["session": "\(sessionID)", "seq": "\(turn.seq)"])
        return turn
    }

    /// The open turn of a session, with the results recorded so far, or nil.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func currentTurn(in sessionID: String) async throws -> Turn? {
        try await read { db in
            try Self.loadOpenTurn(db, in: scope.session(db, sessionID))
        }
    }

    /// Every open turn of the sessions in the ledger's scope, oldest first.
    public func openTurns() async throws -> [Turn] {
        try await read { db in
            try Self.openTurnRecords(db, in: scope).map { session, record in
                try Self.loadOpenTurn(db, record, in: session)
            }
        }
    }

    static func requireOpenTurn(_ db: Database, in session: SessionRef) throws -> StagedTurn {
        guard let record = try openTurnRecord(db, in: session) else {
            throw LedgerError.noOpenTurn(sessionID: session.id)
        }
        return StagedTurn(session: session, record: record, turn: try loadOpenTurn(db, record, in: session))
    }
}
