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
        let turn = try await write { db in
            try Self.seal(db, try Self.requireOpenTurn(db, in: sessionID))
        }
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
        let turn = try await write { db in
            try Self.close(db, try Self.requireOpenTurn(db, in: sessionID), as: .cancelled, saying: reason)
        }
        logger.debug("cancelled turn", metadata: ["session": "\(sessionID)", "seq": "\(turn.seq)"])
        return turn
    }

    /// The open turn of a session, with the results recorded so far, or nil.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func currentTurn(in sessionID: String) async throws -> Turn? {
        try await read { db in
            try Self.requireSession(db, sessionID)
            return try Self.loadOpenTurn(db, in: sessionID)
        }
    }

    /// Every open turn of every session, oldest first.
    public func openTurns() async throws -> [Turn] {
        try await read { db in
            try Self.openTurnRecords(db).map {
                try Self.loadOpenTurn(db, $0)
            }
        }
    }

    static func requireOpenTurn(_ db: Database, in sessionID: String) throws -> StagedTurn {
        guard let record = try openTurnRecord(db, in: sessionID) else {
            try requireSession(db, sessionID)
            throw LedgerError.noOpenTurn(sessionID: sessionID)
        }
        return StagedTurn(record: record, turn: try loadOpenTurn(db, record))
    }
}
