import Foundation

extension Ledger {
    /// Sessions matching `query`, newest activity first, one page at a time.
    ///
    /// ```swift
    /// var query = SessionQuery(tenant: "acme", metadata: ["channel": "slack"], limit: 20)
    /// repeat {
    ///     let page = try await ledger.sessions(matching: query)
    ///     show(page.sessions)
    ///     query.cursor = page.nextCursor
    /// } while query.cursor != nil
    /// ```
    ///
    /// Pages walk the `(tenant, lastActivityAt, id)` index: a page reads its own rows, whatever
    /// the number of sessions. A metadata filter is checked on the rows the index yields.
    ///
    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` for a bad limit, cursor or key.
    public func sessions(matching query: SessionQuery) async throws -> SessionPage {
        guard (1...1000).contains(query.limit) else {
            throw LedgerError.invalidInput(field: "limit", reason: "must be 1...1000, not \(query.limit)")
        }
        let cursor = try query.cursor.map(SessionCursor.init)
        for key in query.metadata.keys.sorted() where key.isEmpty || key.contains("\"") || key.utf8.contains(0) {
            throw LedgerError.invalidInput(field: "metadata", reason: "key '\(key)' cannot be matched")
        }
        return try await store.sessions(matching: query, cursor: cursor, in: scope)
    }

    /// The token usage of a session's own entries.
    ///
    /// - Throws: ``LedgerError/sessionNotFound(_:)``.
    public func usageTotals(in sessionID: String) async throws -> UsageTotals {
        try await store.usageTotals(in: scope, session: sessionID, tenant: nil)
    }

    /// The token usage of every session of a tenant (nil: the sessions without a tenant).
    public func usageTotals(tenant: String?) async throws -> UsageTotals {
        try scope.requireReaches(tenant: tenant)
        return try await store.usageTotals(in: scope, session: nil, tenant: tenant)
    }
}
