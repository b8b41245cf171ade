import Foundation
import TurnLedger

/// How the CLI prints: JSON for programs, short text lines for people.
/// Writes one line to stderr: notes beside the output, never part of it.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func describe(_ entry: Entry) -> String {
        let head =
            "\(entry.seq)".padding(toLength: 5, withPad: " ", startingAt: 0)
            + entry.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
        var lines: [String] = []
        if let callId = entry.toolCallId, let outcome = entry.outcome {
            lines.append("\(head)\(callId) \(outcome.rawValue): \(summary(entry.parts))")
        } else {
            lines.append(head + summary(entry.parts))
        }
        for call in entry.toolCalls {
            lines.append(String(repeating: " ", count: 15) + "call \(call.id) \(call.name) \(call.arguments)")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ turn: Turn) -> String {
        let unanswered = turn.unansweredCallIds
        let state =
            unanswered.isEmpty
            ? "all \(turn.calls.count) calls answered"
            : "unanswered: \(unanswered.joined(separator: ", "))"
        return "session \(turn.sessionId): open turn at seq \(turn.seq), \(state)"
    }

    static func describe(_ session: Session) -> String {
        let createdAt = session.createdAt.formatted(.iso8601)
        return [session.id, createdAt, session.tenant].compactMap { $0 }.joined(separator: "\t")
    }

    static func describe(_ summary: SessionSummary) -> String {
        [
            summary.session.id, summary.lastActivityAt.formatted(.iso8601), "seq \(summary.lastSeq)",
            summary.hasOpenTurn ? "open turn" : nil, summary.session.tenant,
        ].compactMap { $0 }.joined(separator: "\t")
    }

    private static func summary(_ parts: [ContentPart]) -> String {
        parts.map { part in
            switch part {
            case .text(let text): text.replacingOccurrences(of: "\n", with: "⏎")
            case .image(let url): "[image \(url.prefix(40))]"
            case .opaque(let provider, _): "[\(provider) data]"
            }
        }.joined(separator: " ")
    }
}
