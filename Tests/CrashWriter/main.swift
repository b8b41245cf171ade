// A scripted agent for crash tests: run as a real child process and killed with SIGKILL.
//
//     crash-writer DB_PATH SESSION
//
// Opens a turn with three parallel calls, records the result of the second one, prints
// `ready`, then waits for tools that never return until it is killed.
import Foundation
import TurnLedger

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: crash-writer DB_PATH SESSION\n".utf8))
    exit(64)
}
let ledger = try Ledger(path: arguments[1])
let session = arguments[2]
try await ledger.createSession(id: session)
try await ledger.append([.text("Fetch these three pages.")], role: .user, to: session)
try await ledger.openTurn(
    in: session,
    calls: ["call_a", "call_b", "call_c"].map { ToolCall(id: $0, name: "fetch", arguments: #"{"page":"\#($0)"}"#) }
)
try await ledger.recordResult([.text("200 OK")], for: "call_b", in: session)
FileHandle.standardOutput.write(Data("ready\n".utf8))  // unbuffered: the parent reads it at once
while true {
    try await Task.sleep(for: .seconds(60))
}
