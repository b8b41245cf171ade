/// A committed turn as the log holds it.
extension Turn {
    /// The entries a committed turn is in its session's log: the assistant entry with its calls
    /// and usage at `seq`, then the result of the call at position `p` at `seq + 1 + p`, as a
    /// read of the log returns them.
    var logEntries: [Entry] {
        var entries = [
            Entry(
                sessionId: sessionId, seq: seq, role: .assistant, parts: parts, toolCalls: calls, createdAt: openedAt,
                usage: usage)
        ]
        let positions = Dictionary(calls.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let placed = results.compactMap { result in positions[result.callId].map { (position: $0, result: result) } }
        for (position, result) in placed.sorted(by: { $0.position < $1.position }) {
            entries.append(
                Entry(
                    sessionId: sessionId, seq: seq + 1 + position, role: .tool, parts: result.parts,
                    toolCallId: result.callId, outcome: result.outcome, createdAt: result.recordedAt))
        }
        return entries
    }
}
