import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// Storage failures reach the caller as typed ledger errors, leave committed history intact,
/// and the store works again once the cause is gone.
@Suite struct StorageFaultTests {
    @Test func aWriteLockHeldPastTheBusyTimeoutIsStoreBusyAndNothingIsWritten() async throws {
        let temp = try TemporaryLedger { $0.busyTimeout = .milliseconds(300) }
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        try await temp.ledger.append([.text("before")], role: .user, to: "s1")
        var config = Configuration()
        config.allowsUnsafeTransactions = true  // this test holds the lock across accesses on purpose
        let holder = try DatabaseQueue(path: temp.path, configuration: config)
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }

        let started = ContinuousClock.now
        let error = await #expect(throws: LedgerError.self) {
            try await temp.ledger.append([.text("blocked")], role: .user, to: "s1")
        }
        let elapsed = ContinuousClock.now - started
        guard case .storeBusy(let waited) = error else {
            Issue.record("expected store_busy, got \(String(describing: error))")
            return
        }
        // It waited for the busy timeout, not less, not forever, and says so. (Not less: the writes
        // above ran on their callers' threads with the busy timeout set aside; it is back. Not
        // forever: a CI run with every suite at once on 2 cores once took over 5 s to get here.)
        #expect(waited >= .milliseconds(290) && waited <= elapsed && elapsed < .seconds(60), "waited \(waited)")
        // Readers never wait for a writer in WAL mode.
        #expect(try await temp.ledger.entries(in: "s1").map(\.parts) == [[.text("before")]])

        try await holder.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        try await temp.ledger.append([.text("after")], role: .user, to: "s1")
        #expect(try await temp.ledger.entries(in: "s1").map(\.parts) == [[.text("before")], [.text("after")]])
        #expect(try await temp.ledger.verify().isClean)
    }

    /// A lone write runs on its caller's thread only while the write lock is free at once (one
    /// that finds it held by another connection waits on the writer queue) and only while
    /// another thread of the cooperative pool is left. As many ledgers as the pool has threads
    /// each wait for a lock held elsewhere; a read must still run meanwhile (the locks are
    /// released only after it), and then every write lands. Were the waits on the pool, the read
    /// could not run before the 60 s busy timeout had passed.
    @Test func writesWaitingForALockHeldElsewhereLeaveThePoolFreeAndLandOnceItIsReleased() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount
        var temps: [TemporaryLedger] = []
        defer { temps.forEach { $0.remove() } }
        var holders: [DatabaseQueue] = []
        var config = Configuration()
        config.allowsUnsafeTransactions = true  // the holders keep the lock across accesses on purpose
        for _ in 0..<count {
            let temp = try TemporaryLedger { $0.busyTimeout = .seconds(60) }
            temps.append(temp)
            try await temp.ledger.createSession(id: "s1")
            try await temp.ledger.append([.text("before")], role: .user, to: "s1")  // a lone write, run here
            let holder = try DatabaseQueue(path: temp.path, configuration: config)
            try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            holders.append(holder)
        }
        let started = ContinuousClock.now
        let writes = temps.map { temp in
            Task { try await temp.ledger.append([.text("waited")], role: .user, to: "s1").seq }
        }
        for temp in temps {
            try await temp.ledger.waitUntilPipeline(queued: 1)
        }
        try await Task.sleep(for: .milliseconds(50))  // each write is trying the lock by now
        #expect(try await temps[0].ledger.entries(in: "s1").map(\.parts) == [[.text("before")]])
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(30), "the read waited \(elapsed): the waiting writes held the pool's threads")
        for holder in holders {
            try await holder.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        }
        for (temp, write) in zip(temps, writes) {
            #expect(try await write.value == 2)
            #expect(try await temp.ledger.entries(in: "s1").map(\.parts) == [[.text("before")], [.text("waited")]])
        }
    }

    @Test func aFullDiskInTheMiddleOfATurnIsStorageFullAndTheTurnFinishesOnceSpaceIsFreed() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        try await ledger.createSession(id: "s1")
        try await ledger.createSession(id: "s2")
        try await ledger.append([.text("Fetch three pages.")], role: .user, to: "s1")
        let calls = ["call_a", "call_b", "call_c"].map { ToolCall(id: $0, name: "fetch", arguments: "{}") }
        try await ledger.openTurn(in: "s1", calls: calls)
        try await ledger.recordResult([.text("page a")], for: "call_a", in: "s1")
        let committed = try await ledger.entries(in: "s1")

        try await limitPages(of: ledger, toCurrentPlus: 2)
        let page = String(repeating: "x", count: 200_000)  // far more than two pages
        await #expect(throws: LedgerError.storageFull(path: temp.path)) {
            try await ledger.recordResult([.text(page)], for: "call_b", in: "s1")
        }
        await #expect(throws: LedgerError.storageFull(path: temp.path)) {
            try await ledger.append([.text(page)], role: .user, to: "s2")
        }
        // Nothing of the failed write, nothing committed changed, reads still work.
        #expect(try await ledger.currentTurn(in: "s1")?.results.map(\.callId) == ["call_a"])
        #expect(try await ledger.entries(in: "s1") == committed)
        #expect(try await ledger.entries(in: "s2").isEmpty)
        #expect(try await ledger.verify().isClean)

        try await limitPages(of: ledger, toCurrentPlus: 1_000_000)  // space freed
        try await ledger.recordResult([.text(page)], for: "call_b", in: "s1")
        try await ledger.recordResult([.text("page c")], for: "call_c", in: "s1")
        let turn = try await ledger.commitTurn(in: "s1")
        #expect(turn.results.map(\.callId) == ["call_a", "call_b", "call_c"])
        #expect(try await ledger.verify().isClean)
        #expect(try await ledger.context(for: "s1", format: .openAIChat).renderedSeqs == Array(1...5))
    }

    @Test func fillingTheLimitAtRandomPointsOfTurnsLosesNoAcknowledgedWrite() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let ledger = temp.ledger
        var random = SystemRandomNumberGenerator()
        var acknowledged: [String: [String]] = [:]  // session -> texts of acknowledged writes
        var failures = 0
        for round in 0..<3 {
            try await limitPages(of: ledger, toCurrentPlus: 30)
            var full = false
            var step = 0
            while !full {
                step += 1
                let session = "s\(Int.random(in: 0..<3, using: &random))"
                let text =
                    "r\(round)-\(step) " + String(repeating: "y", count: Int.random(in: 10..<6_000, using: &random))
                do {
                    if try await ledger.session(session) == nil { try await ledger.createSession(id: session) }
                    if let turn = try await ledger.currentTurn(in: session) {
                        if let callID = turn.unansweredCallIds.first {
                            try await ledger.recordResult([.text(text)], for: callID, in: session)
                            acknowledged[session, default: []].append(text)
                        } else {
                            try await ledger.commitTurn(in: session)
                        }
                    } else if Bool.random(using: &random) {
                        let calls = (0..<2).map { ToolCall(id: "c\(round)-\(step)-\($0)", name: "f", arguments: "{}") }
                        try await ledger.openTurn(in: session, parts: [.text(text)], calls: calls)
                        acknowledged[session, default: []].append(text)
                    } else {
                        try await ledger.append([.text(text)], role: .user, to: session)
                        acknowledged[session, default: []].append(text)
                    }
                } catch LedgerError.storageFull {
                    full = true
                    failures += 1
                }
            }
            #expect(try await ledger.verify().isClean)
            try await limitPages(of: ledger, toCurrentPlus: 1_000_000)
        }
        #expect(failures == 3)
        // Every acknowledged text is in the log, once (recover closes the open turns; the
        // results it writes for unanswered calls all say the same, and are left out here).
        _ = try await ledger.recover()
        for (session, texts) in acknowledged {
            let stored = try await ledger.entries(in: session).flatMap(\.parts).compactMap { part -> String? in
                if case .text(let text) = part, text != Ledger.interruptedResultText { return text }
                return nil
            }
            #expect(Set(texts).isSubset(of: Set(stored)), "session \(session)")
            #expect(Set(stored).count == stored.count, "session \(session): a write stored twice")
        }
        #expect(try await ledger.verify().isClean)
    }

    /// A real write failure from the kernel: a child process lowers its file-size limit, so
    /// growing the WAL fails with EFBIG mid-turn, then lifts it and finishes the turn.
    @Test(arguments: [60_000, 200_000, 500_000])
    func aWriteTheKernelRefusesIsATypedErrorAndTheTurnFinishesOnceItIsAllowed(bytes: Int) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let run = try await ChildProcess.run(
            ChildProcess.productsDirectory.appendingPathComponent("crash-writer"),
            arguments: [temp.path, "s1", "fsize", "\(bytes)"])
        #expect(run.status == 0)
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let failure = try #require(lines.first { $0.hasPrefix("failed ") })
        #expect(["failed storage_failed", "failed storage_full"].contains(failure))  // never a raw SQLite error
        let recovered = try #require(lines.last.flatMap { $0.hasPrefix("recovered ") ? Int($0.dropFirst(10)) : nil })

        let entries = try await temp.ledger.entries(in: "s1")
        #expect(entries.count == recovered)
        for ack in lines where ack.hasPrefix("ack ") {
            let words = ack.split(separator: " ").map(String.init)
            switch words[1] {
            case "open", "commit": #expect(entries.first { $0.seq == Int(words[2]) }?.toolCalls.count == 2, "\(ack)")
            default: #expect(entries.contains { $0.toolCallId == words[2] }, "\(ack)")
            }
        }
        #expect(try await temp.ledger.verify().isClean)
    }

    @Test func aFileThatIsNotADatabaseIsStorageFailed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("notes.sqlite").path
        try Data(String(repeating: "not a database\n", count: 400).utf8).write(to: URL(fileURLWithPath: path))

        #expect {
            try Ledger(path: path)
        } throws: { error in
            guard case LedgerError.storageFailed(path, 26, _) = error else { return false }  // SQLITE_NOTADB
            return (error as? LedgerError)?.code == "storage_failed"
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("not a database"))  // left alone

        let missing = directory.appendingPathComponent("no/such/dir/ledger.sqlite").path
        #expect {
            try Ledger(path: missing)
        } throws: { error in
            guard case LedgerError.storageFailed(missing, 14, _) = error else { return false }  // SQLITE_CANTOPEN
            return true
        }
    }

    /// Sets `max_page_count` on the ledger's writer connection: the database may grow by
    /// `extra` pages, then every write that needs more fails with SQLITE_FULL, as on a full disk.
    private func limitPages(of ledger: Ledger, toCurrentPlus extra: Int) async throws {
        try await ledger.sqlite!.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + extra)")
        }
    }
}
