extension Ledger {
    /// After a write committed to a session's log (or, with `purged`, removed the session): wakes
    /// this process's tails of it, then tells the store's other processes (on PostgreSQL, a
    /// notification that their ledgers hear: ``PostgresCommitListener``).
    func announce(_ key: Int64, purged: Bool = false) async {
        feed.announce(key, purged: purged)
        await store.announceCommit(key, purged: purged)
    }
}
