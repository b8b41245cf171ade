import TurnLedger

/// One agent of the benchmark: it writes its sessions' messages as an agent does, each write
/// awaited before the next: a session is created at its first message, an assistant message
/// with calls opens a turn, each tool message records a result, and the last one is recorded and committed in one write.
struct BenchAgent {
    let ledger: Ledger
    private var created: Set<String> = []
    private var unanswered: [String: Set<String>] = [:]

    init(ledger: Ledger) { self.ledger = ledger }

    /// Writes one workload line; returns how long its writes took.
    mutating func write(_ line: Workload.Line) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let id = line.session
        let message = line.message
        if created.insert(id).inserted { try await ledger.createSession(id: id) }
        switch message.role {
        case .assistant where !message.toolCalls.isEmpty:
            try await ledger.openTurn(in: id, parts: message.parts, calls: message.toolCalls)
            unanswered[id] = Set(message.toolCalls.map(\.id))
        case .tool:
            let callID = message.toolCallId ?? ""
            let outcome: ToolOutcome = line.isError ? .error : .success
            unanswered[id]?.remove(callID)
            if unanswered[id]?.isEmpty == true {  // the last result commits the turn, in the same write
                try await ledger.commitTurn(in: id, withResult: message.parts, outcome: outcome, for: callID)
                unanswered[id] = nil
            } else {
                try await ledger.recordResult(message.parts, outcome: outcome, for: callID, in: id)
            }
        default:
            try await ledger.append(message.parts, role: message.role, to: id)
        }
        return clock.now - start
    }
}
