import Foundation
import GRDB
import Logging

extension Ledger {
    /// Opens a turn: stores an assistant message with its tool calls in the staging area.
    ///
    /// The turn reserves the session's next seq. Until it is committed, cancelled or
    /// recovered, nothing else can be appended to the session. Record each call's result
    /// with ``recordResult(_:outcome:for:in:)``, then ``commitTurn(in:)``.
    ///
    /// ```swift
    /// try await ledger.openTurn(in: "s1", calls: [
    ///     ToolCall(id: "call_1", name: "fetch", arguments: #"{"url":"https://example.com"}"#),
    ///     ToolCall(id: "call_2", name: "fetch", arguments: #"{"url":"https://example.org"}"#),
    /// ])
    /// ```
    ///
    /// - Parameters:
    ///   - parts: What the assistant said beside its calls, including provider-opaque data.
    ///   - calls: At least one; ids unique within the turn.
    ///   - idempotencyKey: When set, a retry with the same key and content returns the turn as it
    ///     stands now (open or committed) and writes nothing.
    ///   - usage: The tokens the model call used; stored with the assistant entry when the turn
    ///     is committed.
    /// - Throws: ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)``,
    ///   ``LedgerError/seqConflict(sessionID:expected:next:)``, ``LedgerError/idempotencyKeyReused(sessionID:key:)``,
    ///   ``LedgerError/sessionNotFound(_:)``, ``LedgerError/invalidInput(field:reason:)``.
    @discardableResult
    public func openTurn(
        in sessionID: String,
        parts: [ContentPart] = [],
        calls: [ToolCall],
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil,
        usage: TokenUsage? = nil
    ) async throws -> Turn {
        try configuration.checkCalls(calls)
        try configuration.checkUsage(usage)
        try configuration.checkParts(parts)
        try configuration.checkExpectedSeq(expectedSeq)
        try configuration.checkIdempotencyKey(idempotencyKey)
        let encodedParts = PartsCodec.encode(parts)
        if case .postgres(let store) = engine {
            return try await store.openTurn(
                in: sessionID, scope: scope, parts: parts, encodedParts: encodedParts, calls: calls,
                expectedSeq: expectedSeq, idempotencyKey: idempotencyKey, usage: usage)
        }
        let turn = try await write { db in
            try Self.openTurn(
                db, in: scope.session(db, sessionID), parts: parts, encodedParts: encodedParts, calls: calls,
                expectedSeq: expectedSeq, idempotencyKey: idempotencyKey, usage: usage)
        }
        logger.trace("opened turn", metadata: ["session": "\(sessionID)", "seq": "\(turn.seq)"])
        return turn
    }

    /// Opens a turn inside the caller's transaction; `calls` are checked already.
    static func openTurn(
        _ db: Database,
        in session: SessionRef,
        parts: [ContentPart],
        encodedParts: String,
        calls: [ToolCall],
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil,
        usage: TokenUsage? = nil,
        openedAt: Date = Timestamp.now()
    ) throws -> Turn {
        let sessionID = session.id
        if let idempotencyKey, let original = try turn(db, in: session, idempotencyKey: idempotencyKey) {
            guard original.parts == parts, original.calls == calls else {
                throw LedgerError.idempotencyKeyReused(sessionID: sessionID, key: idempotencyKey)
            }
            return original
        }
        let next = try placement(
            in: session, next: nextSeq(db, in: session), openTurn: loadOpenTurn(db, in: session), expectedSeq: expectedSeq)
        try OpenTurnRecord(
            sessionKey: session.key,
            seq: next,
            parts: encodedParts,
            callCount: calls.count,
            idempotencyKey: idempotencyKey,
            openedAt: openedAt,
            usage: try usage.map(JSONColumn.encode)
        ).insert(db)
        for (position, call) in calls.enumerated() {
            try OpenCallRecord(
                sessionKey: session.key,
                position: position,
                callId: call.id,
                name: call.name,
                arguments: call.arguments
            ).insert(db)
        }
        return Turn(
            sessionId: sessionID,
            seq: next,
            parts: parts,
            calls: calls,
            results: [],
            openedAt: openedAt,
            isCommitted: false,
            usage: usage
        )
    }

    /// The turn written with this idempotency key, open or committed, or nil; an entry written
    /// by `append` with the key is returned as a turn without calls, which no retry matches.
    private static func turn(_ db: Database, in session: SessionRef, idempotencyKey: String) throws -> Turn? {
        if let open = try openTurnRecord(db, in: session), open.idempotencyKey == idempotencyKey {
            return try loadOpenTurn(db, open, in: session)
        }
        guard let entry = try entryRecord(db, in: session, idempotencyKey: idempotencyKey) else { return nil }
        return try committedTurn(db, entry, in: session)
    }

    static func committedTurn(_ db: Database, _ entry: EntryRecord, in session: SessionRef) throws -> Turn {
        let calls =
            try ToolCallRecord
            .filter(Column("sessionKey") == entry.sessionKey && Column("turnSeq") == entry.seq)
            .order(Column("position"))
            .fetchAll(db)
        let results =
            try ToolResultRecord
            .filter(Column("sessionKey") == entry.sessionKey && Column("turnSeq") == entry.seq)
            .order(Column("position"))
            .fetchAll(db)
        return try Turn.committed(
            entry, calls: calls, results: results,
            usage: try UsageRecord.usages(db, in: entry.sessionKey, seqs: entry.seq...entry.seq)[entry.seq],
            in: session)
    }
}
