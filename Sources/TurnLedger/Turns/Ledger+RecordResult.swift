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
    /// Recording the same result again (same outcome and parts) is a retry of a write that landed:
    /// it returns the stored result and writes nothing, also once the turn has been committed (as
    /// long as it is the session's newest turn with calls).
    ///
    /// - Throws: ``LedgerError/unknownCall(sessionID:callID:)`` when the open turn has no such call;
    ///   ``LedgerError/duplicateResult(sessionID:callID:)`` when the call has another result already
    ///   (the first is kept); ``LedgerError/noOpenTurn(sessionID:)``; ``LedgerError/sessionNotFound(_:)``.
    @discardableResult
    public func recordResult(
        _ parts: [ContentPart],
        outcome: ToolOutcome = .success,
        for callID: String,
        in sessionID: String
    ) async throws -> ToolResult {
        try configuration.checkParts(parts)
        let encodedParts = PartsCodec.encode(parts)
        if case .postgres(let store) = engine {
            return try await store.recordResult(
                parts, encodedParts: encodedParts, outcome: outcome, for: callID, in: sessionID, scope: scope)
        }
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
                // A retry whose first attempt landed, and whose turn was committed since.
                if let landed = try landedResult(db, in: session, for: callID, outcome: outcome, parts: encodedParts) {
                    return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: landed)
                }
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
            // The same result again is a retry of a write that landed: it returns the first.
            let stored = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT outcome, parts, recordedAt FROM openResult WHERE sessionKey = ? AND position = ?"),
                arguments: [session.key, position])
            if let recordedAt = try recordedAt(of: stored, ifItHolds: outcome, encodedParts) {
                return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: recordedAt)
            }
            throw LedgerError.duplicateResult(sessionID: sessionID, callID: callID)
        }
        return ToolResult(callId: callID, outcome: outcome, parts: parts, recordedAt: record.recordedAt)
    }

    /// When the session's newest committed turn holds this very result for `callID`, the time it
    /// was recorded.
    private static func landedResult(
        _ db: Database, in session: SessionRef, for callID: String, outcome: ToolOutcome, parts: String
    ) throws -> Date? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT outcome, parts, recordedAt FROM toolResult
                    WHERE sessionKey = ?1 AND callId = CAST(?2 AS TEXT)
                      AND turnSeq = (SELECT max(seq) FROM entry WHERE sessionKey = ?1 AND callCount > 0)
                    """),
            arguments: [session.key, Data(callID.utf8)])
        return try recordedAt(of: row, ifItHolds: outcome, parts)
    }

    /// The time in a stored result row (`outcome, parts, recordedAt`) when it holds this outcome
    /// and these encoded parts: the same result, sent again.
    private static func recordedAt(of row: Row?, ifItHolds outcome: ToolOutcome, _ parts: String) throws -> Date? {
        guard let row, row[0] == outcome.rawValue, try row.text(at: 1) == parts else { return nil }
        return Timestamp.parse(row[2])
    }
}
