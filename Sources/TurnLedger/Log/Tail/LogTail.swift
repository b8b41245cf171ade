/// What a tail of a session's log hands out.
public enum TailEvent: Sendable, Hashable {
    /// A committed entry; a turn comes whole, its entry then its results in call order. A rewind
    /// marker comes as an entry with ``Entry/rewindsTo`` set: a follower drops what it undoes.
    case entry(Entry)
    /// Nothing was committed for the heartbeat interval (a server sends a keep-alive).
    case quiet
    /// The session was purged; the tail ends after this.
    case purged
}

/// A live tail of one session's log: the committed entries after a seq, then each new one as it
/// is committed. It waits for the writer's announcement of a commit; on SQLite it never polls.
/// On PostgreSQL, where other services write too, their commits wake it as well
/// (``PostgresCommitListener``), and it reads again every 5 seconds for a notification that was
/// lost (``LedgerConfiguration/tailPollInterval``). Iterate it once; ``stop()`` ends it (as does cancelling
/// the task that iterates it).
public struct LogTail: AsyncSequence, Sendable {
    public typealias Element = TailEvent
    public typealias AsyncIterator = AsyncThrowingStream<TailEvent, any Error>.Iterator

    let stream: AsyncThrowingStream<TailEvent, any Error>
    let producer: Task<Void, Never>

    public func makeAsyncIterator() -> AsyncIterator { stream.makeAsyncIterator() }

    /// Ends the tail: the iteration finishes after the events already handed out.
    public func stop() { producer.cancel() }
}

extension Ledger {
    /// Tails a session's log: its committed entries after `seq`, then each one committed later.
    ///
    /// A seq inside a turn (a client that saw the turn's entry and some of its results) goes on
    /// with the rest of that turn. The session is resolved first, so an unknown id throws
    /// ``LedgerError/sessionNotFound(_:)`` here, before anything is handed out.
    ///
    /// ```swift
    /// for try await event in try await ledger.tail("s1", after: 0) {
    ///     if case .entry(let entry) = event { print(entry.seq, entry.role) }
    /// }
    /// ```
    /// - Parameter heartbeat: After this long without a commit, a ``TailEvent/quiet`` event.
    public func tail(_ sessionID: String, after seq: Int, heartbeat: Duration = .seconds(15)) async throws
        -> LogTail
    {
        guard seq >= 0 else { throw LedgerError.invalidInput(field: "after", reason: "must be 0 or more, not \(seq)") }
        let session = try await store.sessionRef(scope, sessionID)
        let (stream, continuation) = AsyncThrowingStream<TailEvent, any Error>.makeStream()
        let (feed, store) = (self.feed, self.store)
        feed.watch(session.key)  // before the first read: no commit after it goes unannounced
        let producer = Task {
            defer { feed.unwatch(session.key) }
            var sent = seq
            do {
                let clock = ContinuousClock()
                var lastEvent = clock.now
                while !Task.isCancelled {
                    let (version, purged) = feed.state(session.key)
                    if purged { throw LedgerError.sessionNotFound(session.id) }
                    for entry in try await store.tailEntries(of: session, after: sent) {
                        continuation.yield(.entry(entry))
                        sent = entry.seq
                        lastEvent = clock.now
                    }
                    let wait = min(heartbeat - (clock.now - lastEvent), store.tailPollInterval ?? heartbeat)
                    if await !feed.wait(session.key, beyond: version, timeout: max(wait, .zero)), !Task.isCancelled,
                        clock.now - lastEvent >= heartbeat
                    {
                        continuation.yield(.quiet)
                        lastEvent = clock.now
                    }
                }
                continuation.finish()
            } catch LedgerError.sessionNotFound {
                continuation.yield(.purged)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in producer.cancel() }
        return LogTail(stream: stream, producer: producer)
    }
}
