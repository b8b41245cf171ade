import Foundation
import Logging

extension Ledger {
    /// Rewinds a session: appends a marker after which its history reads as it stood at `seq`.
    ///
    /// Nothing is deleted. The log keeps every entry, the hash chain covers the marker, a tail
    /// hands the marker out, and ``entries(in:asOf:)`` still shows what the history was before it.
    /// Contexts, pages and ``entries(in:)`` read the history after it: the entries up to `seq`,
    /// then whatever is appended after the marker. A rewind to 0 empties the history; rewinds
    /// nest (docs/schema.md, "Rewind").
    ///
    /// ```swift
    /// try await ledger.rewind("s1", to: 4)   // seqs 5... leave the history; the next entry follows 4
    /// ```
    ///
    /// - Parameters:
    ///   - seq: A seq at which the history stood: 0, or a seq of the log that no turn spans.
    ///   - expectedSeq: When set, the marker must land at this seq.
    ///   - idempotencyKey: When set, a retry with the same key and `seq` returns the marker written
    ///     the first time and writes nothing.
    ///   - discardingOpenTurn: A staged turn is not part of the log; by default a rewind refuses to
    ///     run while one is open. When true, the staged turn (its calls and the results recorded so
    ///     far) is dropped in the same transaction.
    /// - Returns: The marker: an entry with ``Entry/rewindsTo`` set and no content.
    /// - Throws: ``LedgerError/seqInsideTurn(sessionID:seq:turn:)`` for a `seq` between a call and its
    ///   result; ``LedgerError/invalidInput(field:reason:)`` for a `seq` outside the log;
    ///   ``LedgerError/openTurnPending(sessionID:seq:unansweredCallIDs:)``;
    ///   ``LedgerError/seqConflict(sessionID:expected:next:)``;
    ///   ``LedgerError/idempotencyKeyReused(sessionID:key:)``; ``LedgerError/sessionNotFound(_:)``.
    @discardableResult
    public func rewind(
        _ sessionID: String,
        to seq: Int,
        expectedSeq: Int? = nil,
        idempotencyKey: String? = nil,
        discardingOpenTurn: Bool = false
    ) async throws -> Entry {
        guard seq >= 0 else { throw LedgerError.invalidInput(field: "to", reason: "must be 0 or more, not \(seq)") }
        try configuration.checkExpectedSeq(expectedSeq)
        try configuration.checkIdempotencyKey(idempotencyKey)
        let (marker, session) = try await store.rewind(
            sessionID, in: scope, to: seq, expectedSeq: expectedSeq, idempotencyKey: idempotencyKey,
            discardingOpenTurn: discardingOpenTurn)
        await announce(session.key)
        logger.debug("rewound", metadata: ["session": "\(sessionID)", "to": "\(seq)", "seq": "\(marker.seq)"])
        return marker
    }
}
