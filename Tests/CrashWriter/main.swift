// A scripted agent for crash tests: run as a real child process and killed with SIGKILL.
//
//     crash-writer DB_PATH SESSION
//
// Opens a turn with three parallel calls, records the result of the second one, prints
// `ready`, then waits for tools that never return until it is killed.
//
//     crash-writer DB_PATH SESSION appends DURABILITY
//
// Opens the ledger with that durability (`processCrash` or `powerLoss`) and appends user
// messages `m1`, `m2`, … as fast as it can, printing `ack SEQ` after each append returned.
//
//     crash-writer DB_PATH SESSION fsize BYTES
//
// Lowers its own file-size limit (RLIMIT_FSIZE) to BYTES past the WAL's size, so that the
// kernel refuses to grow the WAL further (EFBIG, as a full or failing disk would), and runs turns of two 8 KB results
// until a write fails: prints `ack OP SEQ` after each write, then `failed CODE` with the
// ledger's error code. Then it checks reads still work, restores the limit, retries the same
// write, commits the turn, prints `recovered SEQ` and exits 0.
import Foundation
import TurnLedger

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))  // unbuffered: the parent reads it at once
}

let arguments = CommandLine.arguments
switch arguments.count {
case 3:
    let ledger = try Ledger(path: arguments[1])
    let session = arguments[2]
    try await ledger.createSession(id: session)
    try await ledger.append([.text("Fetch these three pages.")], role: .user, to: session)
    try await ledger.openTurn(
        in: session,
        calls: ["call_a", "call_b", "call_c"].map {
            ToolCall(id: $0, name: "fetch", arguments: #"{"page":"\#($0)"}"#)
        }
    )
    try await ledger.recordResult([.text("200 OK")], for: "call_b", in: session)
    say("ready")
    while true {
        try await Task.sleep(for: .seconds(60))
    }
case 5 where arguments[3] == "appends":
    guard let durability = LedgerConfiguration.Durability(rawValue: arguments[4]) else { exit(64) }
    let ledger = try Ledger(configuration: LedgerConfiguration(path: arguments[1], durability: durability))
    let session = arguments[2]
    try await ledger.createSession(id: session)
    for number in 1... {
        let entry = try await ledger.append([.text("m\(number)")], role: .user, to: session)
        say("ack \(entry.seq)")
    }
case 5 where arguments[3] == "fsize":
    guard let bytes = rlim_t(arguments[4]) else { exit(64) }
    try await fileSizeLimitedTurns(path: arguments[1], session: arguments[2], limit: bytes)
default:
    FileHandle.standardError.write(
        Data("usage: crash-writer DB_PATH SESSION [appends processCrash|powerLoss | fsize BYTES]\n".utf8))
    exit(64)
}

/// The `fsize` mode: turns under a file-size limit until a write fails, then recovery.
func fileSizeLimitedTurns(path: String, session: String, limit: rlim_t) async throws {
    let ledger = try Ledger(path: path)
    try await ledger.createSession(id: session)
    #if os(Linux)  // inside the function: main.swift's globals are set in order, after the switch ran
        let fileSizeResource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
    #else
        let fileSizeResource = RLIMIT_FSIZE
    #endif
    signal(SIGXFSZ, SIG_IGN)  // a write past the limit then fails with EFBIG instead of killing us
    var original = rlimit()
    getrlimit(fileSizeResource, &original)
    var limited = original
    let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
    limited.rlim_cur = rlim_t(wal) + limit
    guard setrlimit(fileSizeResource, &limited) == 0 else { fatalError("setrlimit: \(errno)") }
    let page = String(repeating: "result bytes ", count: 640)  // ~8 KB
    for turn in 1... {
        let calls = ["a", "b"].map { ToolCall(id: "t\(turn)-\($0)", name: "fetch", arguments: "{}") }
        var write: () async throws -> String = { "" }
        do {
            write = {
                "open \(try await ledger.openTurn(in: session, parts: [.text("turn \(turn)")], calls: calls).seq)"
            }
            say("ack " + (try await write()))
            for call in calls {
                write = {
                    try await ledger.recordResult([.text(page)], for: call.id, in: session)
                    return "result \(call.id)"
                }
                say("ack " + (try await write()))
            }
            write = { "commit \(try await ledger.commitTurn(in: session).seq)" }
            say("ack " + (try await write()))
        } catch let error as LedgerError {
            say("failed \(error.code)")
            _ = try await ledger.entries(in: session)  // reads still work
            setrlimit(fileSizeResource, &original)  // space freed
            say("ack " + (try await write()))  // the same write again
            if let open = try await ledger.currentTurn(in: session) {
                for callID in open.unansweredCallIds {
                    try await ledger.recordResult([.text(page)], for: callID, in: session)
                }
                try await ledger.commitTurn(in: session)
            }
            say("recovered \(try await ledger.nextSeq(in: session) - 1)")
            return
        }
    }
}
