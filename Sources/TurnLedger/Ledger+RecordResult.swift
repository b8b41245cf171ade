import Foundation
import GRDB
import Logging

extension Ledger {
    /// Records the result of one call of a session's open turn, durable when it returns.
    ///
    /// Results may arrive in any order and from concurrent tasks; each is its own transaction.
    /// A tool that failed is still answered: record its error text with `outcome: .error`.
    ///
    /// ```swift
    /// try await ledger.recordResult([.text("HTTP 403 Forbidden")], outcome: .error, for: "call_2", in: "s1")
    /// ```
    ///
    /// - Throws: ``LedgerError/unknownCall(sessionID:callID:)`` when the open turn has no such call;
    ///   ``LedgerError/duplicateResult(sessionID:callID:)`` when the call has a result already (the first is kept);
    ///   ``LedgerError/noOpenTurn(sessionID:)``; ``LedgerError/sessionNotFound(_:)``.
    @discardableResult
    public func recordResult(
        _ parts: [ContentPart],
        outcome: ToolOutcome = .success,
        for callID: String,
        in sessionID: String
    ) async throws -> ToolResult {
        try configuration.checkParts(parts)
        let encodedParts = PartsCodec.encode(parts)
        let result = try await write { db in
            try Self.recordResult(
                db, parts, encodedParts: encodedParts, outcome: outcome, for: callID, in: scope.session(db, sessionID))
        }
        logger.trace("recorded result", metadata: ["session": "\(sessionID)", "call": "\(callID)"])
        return result
    }

    /// Records a result inside the caller's transaction.
    static func recordResult(
        _ db: Database,
        _ parts: [ContentPart],
        encodedParts: String,
        outcome: ToolOutcome,
        for callID: String,
        in session: SessionRef
    ) throws -> ToolResult {
        let sessionID = session.id
        let position = try SQLRequest<Int>(
            sql: "SELECT position FROM openCall WHERE sessionKey = ? AND callId = CAST(? AS TEXT)",
            arguments: [session.key, Data(callID.utf8)],  // bytes: a call id may hold a NUL
            cached: true
        ).fetchOne(db)
        guard let position else {
            guard try openTurnRecord(db, in: session) != nil else {
                throw LedgerError.noOpenTurn(sessionID: sessionID)
            }
            throw LedgerError.unknownCall(sessionID: sessionID, callID: callID)
        }
        let record = OpenResultRecord(
            sessionKey: session.key,
            position: position,
            outcome: outcome,
            parts: encodedParts,
            recordedAt: Timestamp.now()
        )
        do {
            try record.insert(db)
        } catch DatabaseError.SQLITE_CONSTRAINT_PRIMARYKEY {
            throw LedgerError.duplicateResult(sessionID: sessionID, callID: callID)
        }
        return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: record.recordedAt)
    }
}
