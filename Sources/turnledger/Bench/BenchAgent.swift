import TurnLedger

/// One agent of the benchmark: it writes its sessions' messages as an agent does, each write
/// awaited before the next: a session is created at its first message, an assistant message
/// with calls opens a turn, each tool message records a result, and the last result commits.
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
            try await ledger.recordResult(message.parts, outcome: line.isError ? .error : .success, for: callID, in: id)
            unanswered[id]?.remove(callID)
            if unanswered[id]?.isEmpty == true {
                try await ledger.commitTurn(in: id)
                unanswered[id] = nil
            }
        default:
            try await ledger.append(message.parts, role: message.role, to: id)
        }
        return clock.now - start
    }
}
