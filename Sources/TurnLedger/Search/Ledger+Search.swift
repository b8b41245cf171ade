import Foundation

extension Ledger {
    /// Full-text search over message text, tool arguments and tool results: across sessions best
    /// match (BM25) first; within one session (`sessionId`) newest first, at a cost that follows
    /// the session's size, not the store's.
    ///
    /// The index is written in the transaction that appends the log rows, so a search sees
    /// exactly what is committed. Russian, Japanese and other non-Latin text is searchable.
    ///
    /// ```swift
    /// let hits = try await ledger.search(SearchQuery("timeout", tenant: "acme", roles: [.tool]))
    /// ```
    ///
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` for a query with no word or a bad
    ///   limit; ``LedgerError/sessionNotFound(_:)`` for an unknown `sessionId`.
    public func search(_ query: SearchQuery) async throws -> [SearchHit] {
        guard !query.text.utf8.contains(0) else {
            throw LedgerError.invalidInput(field: "text", reason: "must not contain a NUL character")
        }
        guard SearchText.query(query.text) != nil else {
            throw LedgerError.invalidInput(field: "text", reason: "must hold at least one word")
        }
        guard (1...1000).contains(query.limit) else {
            throw LedgerError.invalidInput(field: "limit", reason: "must be 1...1000, not \(query.limit)")
        }
        return try await store.search(query, in: scope)
    }
}
