import GRDB

/// The one path every write takes: group commit.
///
/// A write that finds the pipeline idle runs at once, in its own transaction: a lone caller
/// waits for no batch. Writes that arrive while a transaction is running queue up, and the next
/// transaction takes all of them, each in its own savepoint: a write that fails (a seq conflict,
/// a duplicate result) is rolled back alone, with its own error, and the others land. Every
/// caller is answered only after the transaction holding its write has committed, so an
/// acknowledged write is exactly as durable as one written alone.
///
/// A write that would take the whole transaction down (a trigger that raises ROLLBACK, a
/// deferred constraint failing at COMMIT, a full disk) does not take the others with it: the
/// batch is rolled back and each of its writes is run again in a transaction of its own.
///
/// Leadership passes from caller to caller: the caller that found the pipeline idle runs the
/// transactions, then hands the turn to a waiting caller, so no task outlives its own write.
actor WritePipeline {
    typealias Work = @Sendable (Database) throws -> any Sendable
    typealias Outcome = Result<any Sendable, any Error>

    /// What a caller is told when it may go on: run the next transaction (these queued writes,
    /// its own among them), or its write's outcome.
    enum Signal: Sendable {
        case lead([Work])
        case done(Outcome)
    }

    private struct Pending {
        var work: Work
        /// Nil for the caller that leads: it gets its outcome from ``finish(transactions:outcomes:)``.
        var waiter: CheckedContinuation<Signal, Never>?
    }

    private var pending: [Pending] = []
    private var busy = false
    private(set) var statistics = WriteStatistics()

    /// The writes queued or running now (the tests wait on it instead of on the clock).
    var queuedCount: Int { pending.count }

    /// Queues a write. Returns `.lead` when the caller must run the next batch itself.
    func arrive(_ work: @escaping Work) async -> Signal {
        guard busy else {
            busy = true
            pending.append(Pending(work: work, waiter: nil))
            return .lead([work])
        }
        return await withCheckedContinuation { waiter in
            pending.append(Pending(work: work, waiter: waiter))
        }
    }

    /// Answers the callers of the first `outcomes.count` queued writes, hands leadership and the
    /// writes queued meanwhile to the next waiting caller (or goes idle), and returns the
    /// leader's own outcome.
    func finish(transactions: Int, outcomes: [Outcome]) -> Outcome {
        statistics.transactions += transactions
        statistics.writes += outcomes.count
        var own: Outcome?
        for (entry, outcome) in zip(pending, outcomes) {
            if let waiter = entry.waiter {
                waiter.resume(returning: .done(outcome))
            } else {
                own = outcome
            }
        }
        pending.removeFirst(outcomes.count)
        if pending.isEmpty {
            busy = false
        } else {
            pending[0].waiter?.resume(returning: .lead(pending.map(\.work)))
            pending[0].waiter = nil
        }
        // The leader's write is queued before it takes the batch, so it is always answered here.
        return own ?? .failure(LeaderNotInBatch())
    }

    private struct LeaderNotInBatch: Error {}
}

extension WritePipeline {
    /// Runs `work` through the pipeline on `writer`, and returns its value once its transaction
    /// has committed.
    nonisolated func write<T: Sendable>(
        on writer: any DatabaseWriter, _ work: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        var signal = await arrive { db in try work(db) }
        while true {
            switch signal {
            case .done(let outcome):
                // The pipeline hands back what `work` returned: a T.
                return try outcome.get() as! T
            case .lead(let batch):
                let (outcomes, transactions) = await Self.run(batch, on: writer)
                signal = .done(await finish(transactions: transactions, outcomes: outcomes))
            }
        }
    }

    /// Runs a batch: one transaction, each write in its own savepoint; or, when that transaction
    /// cannot commit as a whole, each write in a transaction of its own.
    private static func run(_ batch: [Work], on writer: any DatabaseWriter) async -> ([Outcome], Int) {
        if batch.count == 1 {
            return ([await transaction(on: writer, batch[0])], 1)
        }
        let together = await transaction(on: writer) { db in
            var outcomes: [Outcome] = []
            for work in batch {
                var value: (any Sendable)?
                do {
                    try db.inSavepoint {
                        value = try work(db)
                        return .commit
                    }
                    outcomes.append(.success(value ?? ()))
                } catch {
                    // A trigger that raised ROLLBACK ended the whole transaction.
                    guard db.isInsideTransaction else { throw BatchAborted() }
                    outcomes.append(.failure(error))
                }
            }
            return outcomes
        }
        switch together {
        case .success(let outcomes):
            return (outcomes, 1)
        case .failure(let error as DatabaseError)
        where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED:
            // The write lock could not be had: no write of the batch ran.
            return (batch.map { _ in .failure(error) }, 1)
        case .failure:
            var outcomes: [Outcome] = []
            for work in batch {
                outcomes.append(await transaction(on: writer, work))
            }
            return (outcomes, batch.count + 1)
        }
    }

    /// Runs `body` in one IMMEDIATE transaction on the writer connection. Unlike GRDB's `async`
    /// `write`, it is not interrupted when the leading caller's task is cancelled: the batch
    /// holds other callers' writes.
    private static func transaction<T: Sendable>(
        on writer: any DatabaseWriter, _ body: @escaping @Sendable (Database) throws -> T
    ) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            writer.asyncWriteWithoutTransaction { db in
                var value: T?
                continuation.resume(
                    returning: Result {
                        try db.inTransaction(.immediate) {
                            value = try body(db)
                            return .commit
                        }
                        guard let value else { throw BatchAborted() }  // committed, so the body returned
                        return value
                    })
            }
        }
    }

    private struct BatchAborted: Error {}
}

/// How many transactions and writes a ledger's write pipeline has run, for the benchmark.
package struct WriteStatistics: Sendable {
    package var transactions = 0
    package var writes = 0

    package init(transactions: Int = 0, writes: Int = 0) {
        self.transactions = transactions
        self.writes = writes
    }

    /// The counts since `earlier`.
    package func since(_ earlier: WriteStatistics) -> WriteStatistics {
        WriteStatistics(transactions: transactions - earlier.transactions, writes: writes - earlier.writes)
    }
}
