import Foundation
import Testing
import TurnLedger

/// Four real processes of eight tasks each write to one file at once, while this process reads.
@Suite struct ConcurrentWriterTests {
    struct Ack: Codable, Hashable {
        var session: String
        var seq: Int
        var key: String
        var calls: Int
    }

    struct Report: Codable {
        var acks: [Ack]
        var conflicts: Int
        var replays: Int
        var errors: [String]
    }

    static let processes = 4
    static let tasks = 8
    static let writes = 20

    @Test func fourProcessesOfEightTasksLoseNothingDuplicateNothingAndReadersNeverSeeHalfATurn() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let shared = (0..<4).map { "shared-\($0)" }
        for id in shared { try await temp.ledger.createSession(id: id) }
        let own = (0..<Self.processes).flatMap { p in (0..<Self.tasks).map { "turns-\(p)-\($0)" } }

        // At a high priority: with the whole suite running at once on two cores, a reader at the
        // tests' priority made one read (some runs none) in the 70 s the writers took.
        let readers = Task(priority: .high) { try await Self.readWhileWritten(temp.ledger, sessions: shared + own) }
        let runs = try await Self.runWriters(Self.processes, on: temp.path, tasks: Self.tasks, writes: Self.writes)
        readers.cancel()
        let reads = try await readers.value

        #expect(runs.map(\.status) == Array(repeating: 0, count: Self.processes))
        let reports = try runs.map { try JSONDecoder().decode(Report.self, from: $0.stdout) }
        let errors = reports.flatMap(\.errors)
        #expect(errors.isEmpty, "errors reached the caller: \(errors.prefix(5))")  // no 'database is locked'
        let acks = reports.flatMap(\.acks)
        #expect(acks.count == Self.processes * Self.tasks * Self.writes)
        #expect(Set(acks.map(\.key)).count == acks.count)
        #expect(Set(acks.map { "\($0.session)#\($0.seq)" }).count == acks.count)  // no two writes at one seq
        #expect(reports.map(\.conflicts).reduce(0, +) > 0)  // the writers did race for the same seqs
        #expect(reports.map(\.replays).reduce(0, +) > 0)

        // Every acknowledged write is where its ack says, and nothing else is stored.
        let ledger = try Ledger(path: temp.path)
        for session in shared + own {
            let entries = try await ledger.entries(in: session)
            let written = acks.filter { $0.session == session }
            #expect(entries.count == written.map { 1 + $0.calls }.reduce(0, +), "session \(session)")
            for ack in written {
                let entry = entries.first { $0.seq == ack.seq }
                #expect(entry?.parts == [.text(ack.key)] && entry?.toolCalls.count == ack.calls, "\(ack)")
            }
        }
        #expect(try await ledger.verify().isClean)  // dense seqs, whole turns, hash chains
        #expect(reads > 0)
    }

    /// Eight processes opening a file that does not exist yet at the same moment: each must
    /// set it up or wait for it, never fail on a migration another one just applied, nor on
    /// GRDB's switch to WAL mode, which SQLite cannot make wait for a busy handler.
    @Test func processesOpeningANewFileAtOnceAllMigrateItAndWrite() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        for round in 0..<8 {
            let path = temp.directory.appendingPathComponent("new-\(round).sqlite").path
            let runs = try await Self.runWriters(8, on: path, tasks: 1, writes: 0)  // open, migrate, create a session
            #expect(runs.map(\.status) == Array(repeating: 0, count: 8), "round \(round)")
            #expect(try runs.flatMap { try JSONDecoder().decode(Report.self, from: $0.stdout).errors }.isEmpty)
            let ledger = try Ledger(path: path)
            #expect(try await ledger.listSessions().count == 8)
            #expect(try await ledger.verify().isClean)
        }
    }

    /// Runs `count` contending-writer processes at once, each to its end: their exit statuses
    /// and reports.
    static func runWriters(_ count: Int, on path: String, tasks: Int, writes: Int) async throws
        -> [(status: Int32, stdout: Data)]
    {
        try await withThrowingTaskGroup(of: (status: Int32, stdout: Data).self) { group in
            for process in 0..<count {
                group.addTask {
                    try await ChildProcess.run(
                        ChildProcess.productsDirectory.appendingPathComponent("contending-writer"),
                        arguments: [path, "\(process)", "\(tasks)", "\(writes)"])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Reads histories and builds contexts in every format until cancelled; every read must
    /// show whole turns: each call followed by its result, in call order. Returns the reads.
    static func readWhileWritten(_ ledger: Ledger, sessions: [String]) async throws -> Int {
        var reads = 0
        while !Task.isCancelled {
            let session = sessions[reads % sessions.count]
            let entries: [Entry]
            do {
                entries = try await ledger.entries(in: session)
            } catch LedgerError.sessionNotFound {
                reads += 1  // its writer has not created it yet
                continue
            } catch is CancellationError {
                break  // the writers are done
            }
            #expect(entries.map(\.seq) == Array(0..<entries.count).map { $0 + 1 })
            for entry in entries where !entry.toolCalls.isEmpty {
                let results = entries.filter { $0.seq > entry.seq && $0.seq <= entry.seq + entry.toolCalls.count }
                #expect(results.map(\.toolCallId) == entry.toolCalls.map(\.id), "half a turn in \(session)")
            }
            let format = ProviderFormat.allCases[reads % ProviderFormat.allCases.count]
            if !entries.isEmpty {
                do {
                    _ = try await ledger.context(for: session, format: format)  // checks its provider's rules
                } catch is CancellationError {
                    break
                }
            }
            reads += 1
        }
        return reads
    }
}
