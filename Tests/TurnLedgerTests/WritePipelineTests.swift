import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// Group commit: writes that arrive while a transaction runs share the next one, each in its own
/// savepoint; a failing write fails alone, and one that would take the transaction down does not
/// take the others with it.
///
/// Serialized: a test holds the pipeline's transaction with a write that blocks its thread until
/// the test's other tasks release it, and a lone write runs on its caller's thread, a thread of
/// the cooperative pool (as wide as the machine has cores). Before lone writes were limited to
/// cores − 1 at once, two such holders on a two-core machine left no thread to release either;
/// one holder at a time keeps these tests off that limit.
@Suite(.serialized) struct WritePipelineTests {
    /// Holds the pipeline's transaction until `count` more writes have queued behind it, so that
    /// they go into the next transaction together, whatever the machine's load.
    private func holdingTheWriter(
        _ ledger: Ledger, until count: Int, _ writes: @escaping @Sendable () async -> Void
    ) async throws {
        let release = DispatchSemaphore(value: 0)
        async let held: Void = ledger.sqlite!.write { _ in release.wait() }
        try await ledger.waitUntilPipeline(queued: 1)
        async let done: Void = writes()
        try await ledger.waitUntilPipeline(queued: 1 + count)
        release.signal()
        await done
        try await held
    }

    /// A table `gate` whose trigger raises ROLLBACK before any insert: ``passGate(_:)`` ends the
    /// whole transaction it runs in, without changing a row.
    private func addGateThatRollsBack(_ temp: TemporaryLedger) async throws {
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE gate (x INTEGER);
                    CREATE TRIGGER gateRollsBack BEFORE INSERT ON gate BEGIN SELECT RAISE(ROLLBACK, 'no'); END;
                    """)
        }
    }

    /// A write through the pipeline into `gate`: it always fails, rolling back its transaction.
    private func passGate(_ ledger: Ledger) async throws {
        try await ledger.sqlite!.write { db in try db.execute(sql: "INSERT INTO gate VALUES (1)") }
    }

    @Test func writesQueuedBehindATransactionShareTheNextOneAndAFailingWriteFailsAlone() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        for id in ["a", "b", "c"] {
            try await ledger.createSession(id: id)
            try await ledger.append([.text("Hi")], role: .user, to: id)
        }
        let before = await ledger.writeStatistics

        let outcomes = Outcomes()
        try await holdingTheWriter(ledger, until: 5) {
            await withTaskGroup(of: Void.self) { group in
                for id in ["a", "b", "c"] {
                    group.addTask {
                        await outcomes.record(id) { try await ledger.append([.text("ok")], role: .user, to: id) }
                    }
                }
                group.addTask {
                    await outcomes.record("stale") {
                        try await ledger.append([.text("late")], role: .user, to: "a", expectedSeq: 1)
                    }
                }
                group.addTask {
                    await outcomes.record("missing") { try await ledger.append([.text("x")], role: .user, to: "nope") }
                }
            }
        }

        let statistics = await ledger.writeStatistics.since(before)
        #expect(statistics.writes == 6 && statistics.transactions == 2, "the held write, then one for the other five")
        // The append to a at seq 2 may run before it in the same batch.
        let stale = await outcomes.errors["stale"]
        #expect(
            stale == .seqConflict(sessionID: "a", expected: 1, next: 2)
                || stale == .seqConflict(sessionID: "a", expected: 1, next: 3))
        #expect(await outcomes.errors["missing"] == LedgerError.sessionNotFound("nope"))
        for id in ["a", "b", "c"] {
            #expect(await outcomes.errors[id] == nil)
            #expect(try await ledger.entries(in: id).map(\.parts.text) == ["Hi", "ok"])
        }
        #expect(try await ledger.verify().problems.isEmpty)
    }

    @Test func aWriteThatWouldTakeTheTransactionDownFailsAloneAndTheOthersLand() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        // Two ways a write breaks the whole transaction: a trigger that raises ROLLBACK, and a
        // deferred foreign key that fails only at COMMIT.
        try await addGateThatRollsBack(temp)
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE parent (id INTEGER PRIMARY KEY);
                    CREATE TABLE child (parentId INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                    """)
        }
        let before = await ledger.writeStatistics

        let outcomes = Outcomes()
        try await holdingTheWriter(ledger, until: 6) {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await outcomes.record("rollback") {
                        try await passGate(ledger)
                    }
                }
                group.addTask {
                    await outcomes.record("deferred") {
                        try await ledger.sqlite!.write { db in try db.execute(sql: "INSERT INTO child VALUES (7)") }
                    }
                }
                for n in 1...4 {
                    group.addTask {
                        await outcomes.record("append \(n)") {
                            try await ledger.append([.text("\(n)")], role: .user, to: "s1")
                        }
                    }
                }
            }
        }

        #expect(await outcomes.failed == ["deferred", "rollback"])
        #expect(Set(try await ledger.entries(in: "s1").map(\.parts.text)) == ["1", "2", "3", "4"])
        let statistics = await ledger.writeStatistics.since(before)
        #expect(statistics.writes == 7 && statistics.transactions > 2, "the batch fell back to one transaction each")
        // The appends run again after the rolled-back batch were placed from the file, not from
        // what the batch had left in the write cursor.
        #expect(try await ledger.entries(in: "s1").map(\.seq) == [1, 2, 3, 4])
        try await ledger.append([.text("5")], role: .user, to: "s1")
        #expect(try await ledger.verify().problems.isEmpty)
    }

    /// The appends of a batch that a later write rolls back without changing a row (a trigger
    /// that raises ROLLBACK before its insert) leave the write cursor as they would have left it
    /// (docs/schema.md, "The write cursor"): run again alone, each must be placed from the file.
    @Test func appendsOfABatchThatRollsBackArePlacedFromTheFileWhenRunAgain() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await ledger.append([.text("0")], role: .user, to: "s1")
        try await addGateThatRollsBack(temp)
        try await ledger.append([.text("1")], role: .user, to: "s1")  // the cursor knows s1 again

        let outcomes = Outcomes()
        try await holdingTheWriter(ledger, until: 3) {
            // Queued in this order: the two appends, then the write that ends the transaction.
            async let first: Void = outcomes.record("append 2") {
                try await ledger.append([.text("2")], role: .user, to: "s1")
            }
            try? await ledger.waitUntilPipeline(queued: 2)
            async let second: Void = outcomes.record("append 3") {
                try await ledger.append([.text("3")], role: .user, to: "s1")
            }
            try? await ledger.waitUntilPipeline(queued: 3)
            async let last: Void = outcomes.record("rollback") {
                try await passGate(ledger)
            }
            _ = await (first, second, last)
        }

        #expect(await outcomes.failed == ["rollback"])
        let stored = try await ledger.entries(in: "s1")
        #expect(stored.map(\.seq) == [1, 2, 3, 4])
        #expect(stored.map(\.parts.text) == ["0", "1", "2", "3"])
        #expect(try await ledger.verify().problems.isEmpty)
    }

    @Test func cancellingTheCallerThatLeadsABatchTakesNoWriteOfTheBatchDown() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        // A holds the writer; B queues first and will lead the next batch, which C keeps busy.
        let release = DispatchSemaphore(value: 0)
        let held = Task { try await ledger.sqlite!.write { _ in release.wait() } }
        try await ledger.waitUntilPipeline(queued: 1)
        let leader = Task { try await ledger.append([.text("B")], role: .user, to: "s1") }
        try await ledger.waitUntilPipeline(queued: 2)
        let slow = Task {
            try await ledger.sqlite!.write { db in
                Thread.sleep(forTimeInterval: 0.3)
                return try SQLiteStore.nextSeq(db, in: TenantScope.all.session(db, "s1"))
            }
        }
        try await ledger.waitUntilPipeline(queued: 3)
        let last = Task { try await ledger.append([.text("D")], role: .user, to: "s1") }
        try await ledger.waitUntilPipeline(queued: 4)
        release.signal()
        try await held.value
        try await Task.sleep(for: .milliseconds(100))  // the batch B, C, D is running (C sleeps 300 ms)
        leader.cancel()

        #expect(try await leader.value.seq == 1)
        #expect(try await slow.value == 2)
        #expect(try await last.value.seq == 2)
        #expect(try await ledger.entries(in: "s1").map(\.parts.text) == ["B", "D"])
    }

    @Test func concurrentAgentsShareCommitsAndEveryWriteLandsOnce() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        let before = await ledger.writeStatistics
        try await withThrowingTaskGroup(of: Void.self) { group in
            for agent in 0..<32 {
                group.addTask {
                    let id = "agent-\(agent)"
                    try await ledger.createSession(id: id)
                    for step in 0..<5 {
                        try await ledger.append([.text("step \(step)")], role: .user, to: id, expectedSeq: step * 4 + 1)
                        try await ledger.openTurn(in: id, calls: [ToolCall(id: "call_0", name: "f", arguments: "{}")])
                        try await ledger.recordResult([.text("ok")], for: "call_0", in: id)
                        try await ledger.commitTurn(in: id)
                        try await ledger.append([.text("done")], role: .assistant, to: id)
                    }
                }
            }
            try await group.waitForAll()
        }
        let statistics = await ledger.writeStatistics.since(before)
        #expect(statistics.writes == 32 * 26)
        #expect(statistics.transactions < statistics.writes, "writes shared commits")
        for agent in 0..<32 {
            #expect(try await ledger.entries(in: "agent-\(agent)").map(\.seq) == Array(1...20))
        }
        #expect(try await ledger.verify().problems.isEmpty)
    }
}

/// What each concurrent write ended with.
private actor Outcomes {
    var errors: [String: LedgerError] = [:]
    var failed: [String] = []

    func record(_ name: String, _ write: @Sendable () async throws -> some Sendable) async {
        do {
            _ = try await write()
        } catch {
            failed.append(name)
            failed.sort()
            if let error = error as? LedgerError { errors[name] = error }
        }
    }
}
