extension Ledger {
    /// A session's history exactly as it stood when its last seq was `seq`: time travel. Entries a
    /// later rewind took out of the history are here as they were.
    ///
    /// - Throws: ``LedgerError/seqInsideTurn(sessionID:seq:turn:)`` when the history never ended
    ///   at `seq` (a turn is committed whole); ``LedgerError/invalidInput(field:reason:)`` when
    ///   `seq` is not in the log; ``LedgerError/sessionNotFound(_:)``.
    public func entries(in sessionID: String, asOf seq: Int) async throws -> [Entry] {
        try await store.history(of: sessionID, in: scope, .asOf(seq))
    }

    /// The messages of a session whose seq is in `seqs`, in its history as it stood at the range's
    /// end. A turn is never cut: an assistant entry in the range comes with all its results, even
    /// those past the range's end.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func entries(in sessionID: String, seqs: ClosedRange<Int>) async throws -> [Entry] {
        try await store.history(of: sessionID, in: scope, .seqs(seqs))
    }

    /// One page of a session's history (rewinds applied): up to `limit` messages after seq
    /// `after`, each assistant entry with all its results. Pass the page's `nextAfter` to read the
    /// next one; it is nil on the last page. Each page reads only its own rows, unless the session's
    /// lineage holds a rewind: then the log is read from its start, to apply it.
    ///
    /// ```swift
    /// var after = 0
    /// while true {
    ///     let page = try await ledger.entries(in: "s1", after: after, limit: 100)
    ///     handle(page.entries)
    ///     guard let next = page.nextAfter else { break }
    ///     after = next
    /// }
    /// ```
    ///
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` for a `limit` below 1 or an
    ///   `after` below 0; ``LedgerError/sessionNotFound(_:)``.
    public func entries(in sessionID: String, after: Int, limit: Int) async throws -> EntryPage {
        guard limit >= 1 else {
            throw LedgerError.invalidInput(field: "limit", reason: "must be 1 or more, not \(limit)")
        }
        guard after >= 0 else {
            throw LedgerError.invalidInput(field: "after", reason: "must be 0 or more, not \(after)")
        }
        var entries = try await store.history(of: sessionID, in: scope, .after(after, limit: limit + 1))
        let more = entries.filter { $0.role != .tool }.count > limit
        if more, let extra = entries.lastIndex(where: { $0.role != .tool }) { entries.removeSubrange(extra...) }
        return EntryPage(entries: entries, nextAfter: more ? entries.last?.seq ?? after : nil)
    }
}

/// A page of a session's history.
public struct EntryPage: Sendable, Hashable, Codable {
    /// Messages in seq order, each assistant entry followed by its results.
    public var entries: [Entry]
    /// The `after` of the next page; nil when this page reaches the end of the log.
    public var nextAfter: Int?

    public init(entries: [Entry], nextAfter: Int?) {
        self.entries = entries
        self.nextAfter = nextAfter
    }
}
