// One of several agent processes writing to one file at once, for the concurrent-writer test.
//
//     contending-writer DB_PATH PROCESS TASKS WRITES
//
// Runs TASKS tasks. Each makes WRITES writes: appends to the shared sessions `shared-0...3`
// (read the next seq, append with it as expectedSeq and a unique idempotency key, retry on a
// seq conflict; now and then send the same append again, as a client whose ack was lost
// would), or whole turns in its own session `turns-P-T` (open with 1-3 calls, results in
// random order, commit). Prints one JSON object: every acknowledged write, the conflicts
// retried, the replays, and every error that reached the caller (which must be none).
import Foundation
import TurnLedger

struct Ack: Codable, Sendable {
    var session: String
    var seq: Int
    var key: String
    var calls: Int
}

struct Report: Codable, Sendable {
    var acks: [Ack] = []
    var conflicts = 0
    var replays = 0
    var errors: [String] = []

    mutating func add(_ other: Report) {
        acks += other.acks
        conflicts += other.conflicts
        replays += other.replays
        errors += other.errors
    }
}

struct ContendingTask {
    let ledger: Ledger
    let process: Int
    let task: Int
    var random: SystemRandomNumberGenerator
    var report = Report()

    var ownSession: String { "turns-\(process)-\(task)" }

    mutating func run(writes: Int) async {
        do {
            try await ledger.createSession(id: ownSession)
        } catch {
            report.errors.append("create \(ownSession): \(error)")
            return
        }
        for write in 0..<writes {
            let key = "p\(process)-t\(task)-w\(write)"
            do {
                if Int.random(in: 0..<3, using: &random) == 0 {
                    try await turn(key: key)
                } else {
                    try await sharedAppend(key: key)
                }
            } catch {
                report.errors.append("\(key): \(error)")
            }
        }
    }

    mutating func sharedAppend(key: String) async throws {
        let session = "shared-\(Int.random(in: 0..<4, using: &random))"
        while true {
            let next = try await ledger.nextSeq(in: session)
            let entry: Entry
            do {
                entry = try await ledger.append(
                    [.text(key)], role: .user, to: session, expectedSeq: next, idempotencyKey: key)
            } catch LedgerError.seqConflict {
                report.conflicts += 1
                continue
            }
            report.acks.append(Ack(session: session, seq: entry.seq, key: key, calls: 0))
            if Int.random(in: 0..<4, using: &random) == 0 {  // the ack was lost: send it again
                let again = try await ledger.append(
                    [.text(key)], role: .user, to: session, expectedSeq: next, idempotencyKey: key)
                report.replays += 1
                if again.seq != entry.seq {
                    report.errors.append("\(key): the replay landed at \(again.seq), not \(entry.seq)")
                }
            }
            return
        }
    }

    mutating func turn(key: String) async throws {
        let calls = (0..<Int.random(in: 1...3, using: &random)).map {
            ToolCall(id: "\(key)-c\($0)", name: "fetch", arguments: #"{"n":\#($0)}"#)
        }
        let turn = try await ledger.openTurn(
            in: ownSession, parts: [.text(key)], calls: calls, idempotencyKey: key)
        for call in calls.shuffled(using: &random) {
            try await ledger.recordResult([.text("result of \(call.id)")], for: call.id, in: ownSession)
        }
        try await ledger.commitTurn(in: ownSession)
        report.acks.append(Ack(session: ownSession, seq: turn.seq, key: key, calls: calls.count))
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let process = Int(arguments[2]), let tasks = Int(arguments[3]),
    let writes = Int(arguments[4])
else {
    FileHandle.standardError.write(Data("usage: contending-writer DB_PATH PROCESS TASKS WRITES\n".utf8))
    exit(64)
}
let ledger = try Ledger(path: arguments[1])
let report = await withTaskGroup(of: Report.self) { group in
    for task in 0..<tasks {
        group.addTask {
            var writer = ContendingTask(ledger: ledger, process: process, task: task, random: .init())
            await writer.run(writes: writes)
            return writer.report
        }
    }
    var all = Report()
    for await report in group { all.add(report) }
    return all
}
FileHandle.standardOutput.write(try JSONEncoder().encode(report) + Data("\n".utf8))
