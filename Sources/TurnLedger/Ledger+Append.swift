import Foundation
import GRDB
import Logging

extension Ledger {
    /// Appends one message at the end of a session's log, in its own transaction.
    ///
    /// Tool results are not appended: they are recorded into an open turn with
    /// ``recordResult(_:outcome:for:in:)``. An assistant message that makes tool calls opens a
    /// turn with ``openTurn(in:parts:calls:expectedSeq:idempotencyKey:)``.
    ///
    /// ```swift
    /// try await ledger.append([.text("Hi")], role: .user, to: "s1")
    /// ```
    ///
    /// - Parameters:
    ///   - expectedSeq: When set, the append fails unless it lands at this seq.
    ///   - idempotencyKey: When set, a retry with the same key and content returns the entry
    ///     written the first time and writes nothing.
    /// - Throws: ``LedgerError/seqConflict(sessionID:expected:next:)`` when another writer appended first;
    ///   ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)`` while the session has an open turn;
    ///   ``LedgerError/idempotencyKeyReused(sessionID:key:)`` when the key was used for other content;
    ///   ``LedgerError/sessionNotFound(_:)``; ``LedgerError/invalidInput(field:reason:)``.
    @discardableResult
    public func append(
        _ parts: [ContentPart],
        role: Role,
        to sessionID: String,
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil
    ) async throws -> Entry {
        if role == .tool {
            throw LedgerError.invalidInput(
                field: "role",
                reason: "tool results are recorded into an open turn, not appended"
            )
        }
        if parts.isEmpty && role != .assistant {
            throw LedgerError.invalidInput(field: "parts", reason: "a \(role.rawValue) message needs content")
        }
        try configuration.checkExpectedSeq(expectedSeq)
        try configuration.checkIdempotencyKey(idempotencyKey)
        let encodedParts = try JSONColumn.encode(parts)
        let entry = try await writer.write { db in  // one transaction: the checks and the insert see the same log
            if let idempotencyKey,
                let original = try Self.entryRecord(db, in: sessionID, idempotencyKey: idempotencyKey)
            {
                guard original.role == role, original.parts == encodedParts, original.callCount == 0 else {
                    throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
                }
                return try original.entry(calls: [])
            }
            let next = try Self.nextSeq(db, in: sessionID)
            try Self.requireNoOpenTurn(db, in: sessionID)
            if let expectedSeq, expectedSeq != next {
                throw LedgerError.seqConflict(sessionID: sessionID, expected: expectedSeq, next: next)
            }
            let record = EntryRecord(
                sessionId: sessionID,
                seq: next,
                role: role,
                parts: encodedParts,
                callCount: 0,
                idempotencyKey: idempotencyKey,
                createdAt: Date.ledgerNow()
            )
            try record.insert(db)
            return try record.entry(calls: [])
        }
        logger.trace("appended", metadata: ["session": "\(sessionID)", "seq": "\(entry.seq)"])
        return entry
    }

    static func entryRecord(_ db: Database, in sessionID: String, idempotencyKey: String) throws -> EntryRecord? {
        try SQLRequest<EntryRecord>(
            sql: "SELECT * FROM entry WHERE sessionId = ? AND idempotencyKey = ?",
            arguments: [sessionID, idempotencyKey],
            cached: true
        ).fetchOne(db)
    }
}
