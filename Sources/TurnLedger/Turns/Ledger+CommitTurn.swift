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
        try await commit(in: sessionID, turnSeq: turnSeq, recording: nil)
    }

    /// Records the result of the open turn's last unanswered call and commits the turn, in one
    /// transaction: what an agent does when its last tool returns, in one durable write instead
    /// of two. Either both land or neither does.
    ///
    /// ```swift
    /// try await ledger.commitTurn(in: "s1", withResult: [.text("18°C")], for: "call_3")
    /// ```
    ///
    /// Sending it again after it landed (same outcome and parts) returns the committed turn and
    /// writes nothing, as ``recordResult(_:outcome:for:in:)`` and ``commitTurn(in:turnSeq:)`` do.
    ///
    /// - Parameter turnSeq: As for ``commitTurn(in:turnSeq:)``.
    /// - Throws: What ``recordResult(_:outcome:for:in:)`` throws, and what ``commitTurn(in:turnSeq:)``
    ///   throws: ``LedgerError/unansweredCalls(sessionID:callIDs:)`` when other calls still wait for a
    ///   result (the result is not recorded either).
    @discardableResult
    public func commitTurn(
        in sessionID: String,
        turnSeq: Int? = nil,
        withResult parts: [ContentPart],
        outcome: ToolOutcome = .success,
        for callID: String
    ) async throws -> Turn {
        let result = try PendingResult(parts, outcome: outcome, for: callID, configuration: configuration)
        return try await commit(in: sessionID, turnSeq: turnSeq, recording: result)
    }

    private func commit(in sessionID: String, turnSeq: Int?, recording result: PendingResult?) async throws -> Turn {
        let (turn, session) = try await store.commitTurn(
            in: sessionID, scope: scope, turnSeq: turnSeq, recording: result)
        if let session { await announce(session.key) }
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
        let (turn, session) = try await store.cancelTurn(in: sessionID, scope: scope, reason: reason)
        await announce(session.key)
        logger.debug("cancelled turn", metadata: ["session": "\(sessionID)", "seq": "\(turn.seq)"])
        return turn
    }

    /// The open turn of a session, with the results recorded so far, or nil.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func currentTurn(in sessionID: String) async throws -> Turn? {
        try await store.currentTurn(in: sessionID, scope: scope)
    }

    /// Every open turn of the sessions in the ledger's scope, oldest first.
    public func openTurns() async throws -> [Turn] {
        try await store.openTurns(in: scope)
    }
}
