import GRDB
import Logging

extension Ledger {
    /// Commits a session's open turn: the assistant entry and every result move into the log
    /// in one transaction, results in call order right after their entry.
    ///
    /// - Parameter turnSeq: When set, the seq of the turn the caller opened: a commit of another
    ///   turn is ``LedgerError/seqConflict(sessionID:expected:next:)``, and when that turn is
    ///   committed already (a retry whose first attempt landed) it is returned and nothing changes.
    /// - Returns: The committed turn.
    /// - Throws: ``LedgerError/unansweredCalls(sessionID:callIDs:)`` naming every call without a
    ///   result (nothing changes); ``LedgerError/noOpenTurn(sessionID:)``; ``LedgerError/sessionNotFound(_:)``.
    @discardableResult
    public func commitTurn(in sessionID: String, turnSeq: Int? = nil) async throws -> Turn {
        if case .postgres(let store) = engine {
            let (turn, session) = try await store.commitTurn(in: sessionID, scope: scope, turnSeq: turnSeq)
            if let session { feed.announce(session.key) }
            return turn
        }
        let (turn, key) = try await write { (db: Database) throws -> (Turn, Int64?) in
            let session = try scope.session(db, sessionID)
            if let turnSeq {
                guard let open = try Self.openTurnRecord(db, in: session) else {
                    if let landed = try Self.committedTurn(db, in: session, at: turnSeq) { return (landed, nil) }
                    throw LedgerError.noOpenTurn(sessionID: sessionID)
                }
                guard open.seq == turnSeq else {
                    throw LedgerError.seqConflict(sessionID: sessionID, expected: turnSeq, next: open.seq)
                }
            }
            let sealed = try Self.seal(db, try Self.requireOpenTurn(db, in: session))
            return (sealed, session.key)
        }
        if let key { feed.announce(key) }
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
        if case .postgres(let store) = engine {
            let closed = try await store.close(as: .cancelled, saying: reason) { connection in
                let session = try await store.session(connection, scope, sessionID, locking: true)
                guard let staged = try await store.stagedTurn(connection, in: session) else {
                    throw LedgerError.noOpenTurn(sessionID: sessionID)
                }
                return [staged]
            }
            for (_, session) in closed { feed.announce(session.key) }
            return closed[0].0
        }
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
        if case .postgres(let store) = engine {
            return try await store.read(session: sessionID, in: scope) { connection, session in
                try await store.openTurn(connection, in: session)
            }
        }
        return try await read { db in
            try Self.loadOpenTurn(db, in: scope.session(db, sessionID))
        }
    }

    /// Every open turn of the sessions in the ledger's scope, oldest first.
    public func openTurns() async throws -> [Turn] {
        if case .postgres(let store) = engine {
            return try await store.read { connection in try await store.stagedTurns(connection, in: scope).map(\.turn) }
        }
        return try await read { db in
            try Self.openTurnRecords(db, in: scope).map { session, record in
                try Self.loadOpenTurn(db, record, in: session)
            }
        }
    }

    /// The committed turn whose assistant entry is at `seq` of the session's own log, if any.
    static func committedTurn(_ db: Database, in session: SessionRef, at seq: Int) throws -> Turn? {
        guard
            let entry = try SQLRequest<EntryRecord>(
                sql: "SELECT \(EntryRecord.selectedColumns) FROM entry WHERE sessionKey = ? AND seq = ? AND callCount > 0",
                arguments: [session.key, seq], cached: true
            ).fetchOne(db)
        else { return nil }
        return try committedTurn(db, entry, in: session)
    }

    static func requireOpenTurn(_ db: Database, in session: SessionRef) throws -> StagedTurn {
        guard let record = try openTurnRecord(db, in: session) else {
            throw LedgerError.noOpenTurn(sessionID: session.id)
        }
        return StagedTurn(session: session, record: record, turn: try loadOpenTurn(db, record, in: session))
    }
}
