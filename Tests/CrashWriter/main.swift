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
default:
    FileHandle.standardError.write(
        Data("usage: crash-writer DB_PATH SESSION [appends processCrash|powerLoss]\n".utf8))
    exit(64)
}
