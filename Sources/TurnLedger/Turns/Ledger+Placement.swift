/// Where a new entry or turn goes: the rules both engines apply to what they read.
extension Ledger {
    /// Throws ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)`` when `turn` (a
    /// session's open turn, read by either engine) is not nil.
    static func requireNoOpenTurn(_ turn: Turn?, in session: SessionRef) throws {
        if let turn {
            throw LedgerError.openTurnPending(
                sessionID: session.id,
                seq: turn.seq,
                unansweredCallIDs: turn.unansweredCallIds
            )
        }
    }

    /// The seq a new entry or turn of `session` takes, `next`, once nothing is open and the
    /// caller's `expectedSeq` (when set) agrees.
    static func placement(in session: SessionRef, next: Int, openTurn: Turn?, expectedSeq: Int?) throws -> Int {
        try requireNoOpenTurn(openTurn, in: session)
        if let expectedSeq, expectedSeq != next {
            throw LedgerError.seqConflict(sessionID: session.id, expected: expectedSeq, next: next)
        }
        return next
    }
}
