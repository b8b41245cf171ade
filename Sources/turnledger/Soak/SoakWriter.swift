import Foundation
import TurnLedger

/// The agent the soak kills: runs sessions turn by turn at random (appends, turns of 1-4
/// parallel calls, results in random order, some errors, commits, the last result and the commit
/// in one write, cancels), forever. Before each write it prints `try TOKEN`; after the call
/// returned, `ok OP SESSION SEQ TOKEN DETAIL` (a last result committed with its turn prints two).
/// Every text and call id it writes holds a token unique to the write, so the driver can tell
/// what was attempted. Output is unbuffered: a printed ack is a returned call.
struct SoakWriter {
    let ledger: Ledger
    let seed: UInt64
    static let sessions = (0..<6).map { "soak-\($0)" }

    func run() async throws {
        var random = SplitMix(seed: seed)
        for id in Self.sessions where try await ledger.session(id) == nil {
            _ = try? await ledger.createSession(id: id)
        }
        emit("started")
        var step = 0
        while true {
            step += 1
            let session = Self.sessions[Int(random.next() % UInt64(Self.sessions.count))]
            let token = "\(seed)-\(step)"
            if let turn = try await ledger.currentTurn(in: session) {
                let unanswered = turn.unansweredCallIds
                if unanswered.isEmpty {
                    emit("try \(token)")
                    let committed = try await ledger.commitTurn(in: session)
                    emit("ok commit \(session) \(committed.seq) \(token) -")
                } else if random.next() % 10 == 0 {
                    emit("try \(token)")
                    let cancelled = try await ledger.cancelTurn(in: session)
                    emit("ok cancel \(session) \(cancelled.seq) \(token) -")
                } else {
                    let callID = unanswered[Int(random.next() % UInt64(unanswered.count))]
                    let outcome: ToolOutcome = random.next() % 5 == 0 ? .error : .success
                    emit("try \(token)")
                    if unanswered.count == 1, random.next() % 2 == 0 {  // the last result and the commit in one write
                        let committed = try await ledger.commitTurn(
                            in: session, withResult: [.text("res \(token)")], outcome: outcome, for: callID)
                        emit("ok result \(session) \(turn.seq) \(token) \(callID):\(outcome.rawValue)")
                        emit("ok commit \(session) \(committed.seq) \(token) -")
                    } else {
                        try await ledger.recordResult(
                            [.text("res \(token)")], outcome: outcome, for: callID, in: session)
                        emit("ok result \(session) \(turn.seq) \(token) \(callID):\(outcome.rawValue)")
                    }
                }
            } else if random.next() % 3 == 0 {
                let calls = (0..<Int(1 + random.next() % 4)).map {
                    ToolCall(
                        id: "c\(token)-\($0)", name: $0 % 2 == 0 ? "fetch" : "search", arguments: #"{"q":"\#(token)"}"#)
                }
                emit("try \(token)")
                let turn = try await ledger.openTurn(in: session, parts: [.text("turn \(token)")], calls: calls)
                emit("ok open \(session) \(turn.seq) \(token) \(calls.map(\.id).joined(separator: ","))")
            } else {
                let role: Role = random.next() % 2 == 0 ? .user : .assistant
                emit("try \(token)")
                let entry = try await ledger.append([.text("msg \(token)")], role: role, to: session)
                emit("ok append \(session) \(entry.seq) \(token) \(role.rawValue)")
            }
        }
    }

    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
