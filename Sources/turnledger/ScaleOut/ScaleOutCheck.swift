import Foundation
import TurnLedger

/// What the store holds after a scale-out run, checked against what the agents saw acknowledged.
struct ScaleOutCheck {
    var lost: [String] = []
    var duplicated: [String] = []
    var problems: [String] = []
    var openTurns = 0

    /// Reads every agent's session: each acknowledged write is at its seq, each user message is
    /// there once, every context renders for every provider, nothing is left open, `verify` is clean.
    static func run(on ledger: Ledger, agents: [(session: String, acks: [ScaleOutAgent.Ack])]) async throws
        -> ScaleOutCheck
    {
        var check = ScaleOutCheck()
        for (session, acks) in agents {
            let entries = try await ledger.entries(in: session)
            let bySeq = Dictionary(entries.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
            for ack in acks {
                let entry = bySeq[ack.seq]
                let held: Bool
                switch ack.kind {
                case .user(let text): held = entry?.role == .user && entry?.parts == [.text(text)]
                case .turn(let ids): held = entry?.role == .assistant && entry?.toolCalls.map(\.id) == ids
                case .result(let id): held = entry?.role == .tool && entry?.toolCallId == id && entry?.outcome == .success
                }
                if !held { check.lost.append("\(session) seq \(ack.seq)") }
            }
            let texts = entries.filter { $0.role == .user }.map(\.parts)
            if Set(texts.map { "\($0)" }).count != texts.count { check.duplicated.append(session) }
            for (index, entry) in entries.enumerated() where entry.seq != index + 1 {
                check.problems.append("\(session): seq \(entry.seq) at place \(index + 1)")
                break
            }
            for format in ProviderFormat.allCases {
                do {
                    _ = try await ledger.context(for: session, format: format)
                } catch {
                    check.problems.append("\(session) \(format.rawValue): \(error)")
                }
            }
        }
        check.openTurns = try await ledger.openTurns().count
        check.problems += try await ledger.verify().problems.map { "\($0.check): \($0.detail)" }
        return check
    }
}
