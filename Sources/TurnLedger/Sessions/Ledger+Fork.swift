import Foundation
import Logging

extension Ledger {
    /// Creates a session that continues `sessionID`'s history after `seq`, without copying it.
    ///
    /// The fork's history is its parent's entries 1...`seq` (read from the parent's rows) followed
    /// by its own; the context builder, search and export see it that way. The fork belongs to
    /// the parent's tenant. Appending to either session afterwards does not change the other.
    ///
    /// ```swift
    /// try await ledger.fork("s1", at: 4, as: "s1-retry")
    /// ```
    ///
    /// - Throws: ``LedgerError/seqInsideTurn(sessionID:seq:turn:)`` when `seq` would cut a turn
    ///   from its results; ``LedgerError/invalidInput(field:reason:)`` when `seq` is not in the
    ///   parent's log; ``LedgerError/sessionNotFound(_:)``; ``LedgerError/sessionAlreadyExists(_:)``.
    @discardableResult
    public func fork(
        _ sessionID: String,
        at seq: Int,
        as newID: String,
        metadata: [String: JSONValue] = [:]
    ) async throws -> Session {
        try configuration.checkIdentifier(newID, field: "id")
        let encodedMetadata = try JSONColumn.encode(metadata)
        let session = try await store.fork(
            sessionID, in: scope, at: seq, as: newID, metadata: encodedMetadata, createdAt: Timestamp.now()
        ).session()
        logger.debug("forked session", metadata: ["session": "\(sessionID)", "seq": "\(seq)", "fork": "\(newID)"])
        return session
    }

    /// Throws unless `seq` is in a log whose next seq is `next`.
    static func requireInLog(_ lineage: Lineage, _ seq: Int, next: Int, field: String) throws {
        guard seq >= 1, seq < next else {
            throw LedgerError.invalidInput(
                field: field,
                reason: next == 1
                    ? "session '\(lineage.session.id)' has no entries yet"
                    : "\(seq) is not in the log of session '\(lineage.session.id)', which holds 1...\(next - 1)"
            )
        }
    }

    /// Throws when `seq` falls inside `turn` (the seqs of the last turn with calls at or before it).
    static func requireOutside(_ turn: (start: Int, end: Int)?, _ lineage: Lineage, _ seq: Int) throws {
        if let turn, seq < turn.end {
            throw LedgerError.seqInsideTurn(sessionID: lineage.session.id, seq: seq, turn: turn.start...turn.end)
        }
    }
}
