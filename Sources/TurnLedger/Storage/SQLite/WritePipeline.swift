import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The one path every write takes: group commit.
///
/// A write that finds the pipeline idle runs at once, in its own transaction, on its caller's
/// thread when the write lock is free: a lone caller waits for no batch and for no thread
/// hand-off. Writes that arrive while a transaction is running queue up, and the next
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

    /// The writer connection's busy timeout (the configuration's), which a lone write run on its
    /// caller's thread sets aside while it takes the write lock.
    private nonisolated let busyTimeoutMilliseconds: CInt
    /// Called on the writer's thread when a transaction rolls back, or a savepoint of a write in
    /// it: the rows it undoes move none of the counters a ``WriteCursor`` compares.
    private nonisolated let whenRolledBack: @Sendable () -> Void

    init(busyTimeout: Duration, whenRolledBack: @escaping @Sendable () -> Void = {}) {
        busyTimeoutMilliseconds = CInt(busyTimeout.timeInterval * 1000)  // as GRDB sets it
        self.whenRolledBack = whenRolledBack
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
                let (outcomes, transactions) = await run(batch, on: writer)
                signal = .done(await finish(transactions: transactions, outcomes: outcomes))
            }
        }
    }

    /// Runs a batch: a lone write on the caller's thread when the write lock is free at once
    /// (else on the writer queue); several writes on the writer queue, in one transaction, each
    /// in its own savepoint, or, when that transaction cannot commit as a whole, each in a
    /// transaction of its own.
    private nonisolated func run(_ batch: [Work], on writer: any DatabaseWriter) async -> ([Outcome], Int) {
        if batch.count == 1 {
            if let outcome = transactionHere(on: writer, batch[0]) {
                return ([outcome], 1)
            }
            return ([await transactionHandedOff(on: writer, batch[0])], 1)
        }
        let whenRolledBack = whenRolledBack
        let together = await transactionHandedOff(on: writer) { db in
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
                    whenRolledBack()
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
                outcomes.append(await transactionHandedOff(on: writer, work))
            }
            return (outcomes, batch.count + 1)
        }
    }

    /// How many lone writes may run on their callers' threads at once, in the whole process:
    /// one thread of the cooperative pool (as wide as the machine has cores) is always left to
    /// everything else, however many ledgers are open. With one core, none.
    private static let callerThreadLimit = ProcessInfo.processInfo.activeProcessorCount - 1
    private static let onCallerThreads = Atomic<Int>(0)

    /// Runs a lone write in one IMMEDIATE transaction on the writer connection, on the calling
    /// thread; nil, with nothing written, when another connection holds the write lock or the
    /// process already runs as many writes on callers' threads as it may.
    ///
    /// A lone caller costs no thread hand-off: `DispatchQueue.sync` on GRDB's writer queue, idle
    /// since only the pipeline's one leader writes, runs the block on the caller's own thread,
    /// where handing it to the queue and being resumed cost two thread wake-ups. It blocks one
    /// thread of the cooperative pool, for one transaction and never longer: it takes the write
    /// lock without waiting (busy timeout 0), and when another process holds it, the write is run
    /// again on the writer queue (``transactionHandedOff(on:_:)``), which waits up to the busy
    /// timeout without holding a thread of the pool. At most ``callerThreadLimit`` such writes run
    /// at once in a process: with many ledgers open (the test suite opens dozens at once), their
    /// lone writes could otherwise hold every thread of the pool.
    /// A batch of several writes is handed off too: run here, it held a thread of the pool while
    /// the other callers needed it to prepare their next writes (`--writers 64` a third slower).
    private nonisolated func transactionHere<T>(
        on writer: any DatabaseWriter, _ body: (Database) throws -> T
    ) -> Result<T, any Error>? {
        guard Self.onCallerThreads.add(1, ordering: .relaxed).newValue <= Self.callerThreadLimit else {
            Self.onCallerThreads.subtract(1, ordering: .relaxed)
            return nil
        }
        defer { Self.onCallerThreads.subtract(1, ordering: .relaxed) }
        return writer.writeWithoutTransaction { db in
            sqlite3_busy_timeout(db.sqliteConnection, 0)
            defer { sqlite3_busy_timeout(db.sqliteConnection, busyTimeoutMilliseconds) }
            let outcome = immediateTransaction(db, body)
            if case .failure(let error as DatabaseError) = outcome,
                error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            {
                return nil  // rolled back: nothing of it was written
            }
            return outcome
        }
    }

    /// Runs `body` in one IMMEDIATE transaction on GRDB's writer queue. Unlike GRDB's `async`
    /// `write`, it is not interrupted when the leading caller's task is cancelled: the batch holds
    /// other callers' writes.
    private nonisolated func transactionHandedOff<T: Sendable>(
        on writer: any DatabaseWriter, _ body: @escaping @Sendable (Database) throws -> T
    ) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            writer.asyncWriteWithoutTransaction { db in
                continuation.resume(returning: self.immediateTransaction(db, body))
            }
        }
    }

    /// `body` in one IMMEDIATE transaction on `db`: its value once committed, or why not.
    private nonisolated func immediateTransaction<T>(
        _ db: Database, _ body: (Database) throws -> T
    ) -> Result<T, any Error> {
        var value: T?
        let outcome = Result {
            try db.inTransaction(.immediate) {
                value = try body(db)
                return .commit
            }
            guard let value else { throw BatchAborted() }  // committed, so the body returned
            return value
        }
        if case .failure = outcome { whenRolledBack() }
        return outcome
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
