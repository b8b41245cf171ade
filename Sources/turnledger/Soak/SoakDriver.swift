import Foundation
import TurnLedger

/// Kills a writer process at random moments and checks the store after each kill: nothing
/// acknowledged is lost, nothing unattempted appears, the invariants and hash chains hold,
/// open turns resume or close as interrupted, and every session's context passes the
/// builder's provider checks in every format.
struct SoakDriver {
    let path: String
    let writer: URL  // the turnledger binary, run as `soak-writer`
    let seed: UInt64

    struct Report: Encodable {
        var kills = 0
        var acknowledged = 0
        var lost: [String] = []
        var unattempted: [String] = []
        var problems: [String] = []
        var recoveredTurns = 0
        var resumedTurns = 0
        var ok: Bool { lost.isEmpty && unattempted.isEmpty && problems.isEmpty }

        enum CodingKeys: String, CodingKey {
            case kills, acknowledged, lost, unattempted, problems, recoveredTurns, resumedTurns, ok
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kills, forKey: .kills)
            try container.encode(acknowledged, forKey: .acknowledged)
            try container.encode(lost.count, forKey: .lost)
            try container.encode(unattempted.count, forKey: .unattempted)
            try container.encode(Array(problems.prefix(20)), forKey: .problems)
            try container.encode(recoveredTurns, forKey: .recoveredTurns)
            try container.encode(resumedTurns, forKey: .resumedTurns)
            try container.encode(ok, forKey: .ok)
        }
    }

    /// What the writers said: acknowledged writes, and every token they tried.
    private struct Ledgerbook {
        var attempted = Set<String>()
        var acks: [[String]] = []  // op, session, seq, token, detail
    }

    func run(kills: Int, progress: (Report) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        var book = Ledgerbook()
        var random = SplitMix(seed: seed)
        for kill in 1...kills {
            try await runWriterUntilKilled(
                seed: seed &* 1000 &+ UInt64(kill), delay: 20 + Int(random.next() % 180), into: &book)
            report.kills = kill
            let ledger = try Ledger(path: path)  // reopened, as a restarted service would
            let open = try await ledger.openTurns()
            if kill % 2 == 1 {
                report.recoveredTurns += try await ledger.recover().count
            } else {
                report.resumedTurns += open.count  // the next writer records the missing results and commits
            }
            try await check(ledger, book, into: &report)
            try ledger.close()
            progress(report)
        }
        report.acknowledged = book.acks.count
        return report
    }

    private func runWriterUntilKilled(seed: UInt64, delay: Int, into book: inout Ledgerbook) async throws {
        let process = Process()
        process.executableURL = writer
        process.arguments = ["soak-writer", "--db", path, "--seed", String(seed)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var output = Data()
        while !String(decoding: output, as: UTF8.self).contains("started\n") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        try await Task.sleep(for: .milliseconds(delay))
        kill(process.processIdentifier, SIGKILL)
        output.append(pipe.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        // A line cut by the kill has no newline: it was never printed whole.
        let text = String(decoding: output, as: UTF8.self)
        var lines = text.split(separator: "\n")
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            if fields.first == "try", fields.count == 2 { book.attempted.insert(fields[1]) }
            if fields.first == "ok", fields.count == 6 { book.acks.append(Array(fields.dropFirst())) }
        }
    }

    private func check(_ ledger: Ledger, _ book: Ledgerbook, into report: inout Report) async throws {
        let verification = try await ledger.verify()
        report.problems += verification.problems.map { "\($0.check): \($0.detail)" }
        var texts: [String: [Int: String]] = [:]  // session -> seq -> text
        var results: [String: (outcome: ToolOutcome, text: String)] = [:]  // call id -> result
        var calls: [String: [Int: [String]]] = [:]  // session -> seq -> call ids (committed or open)
        for id in SoakWriter.sessions {
            guard try await ledger.session(id) != nil else { continue }
            let entries = try await ledger.entries(in: id)
            for (index, entry) in entries.enumerated() {
                let text = entry.parts.text
                texts[id, default: [:]][entry.seq] = text
                if let callID = entry.toolCallId, let outcome = entry.outcome { results[callID] = (outcome, text) }
                if !entry.toolCalls.isEmpty {
                    calls[id, default: [:]][entry.seq] = entry.toolCalls.map(\.id)
                    let following = entries.dropFirst(index + 1).prefix(entry.toolCalls.count).map(\.toolCallId)
                    if following != entry.toolCalls.map(\.id) {
                        report.problems.append(
                            "\(id) seq \(entry.seq): results are not right after their calls in order")
                    }
                }
                if let token = Self.token(text), !book.attempted.contains(token) {
                    report.unattempted.append("\(id) seq \(entry.seq): \(text)")
                }
            }
            if let turn = try await ledger.currentTurn(in: id) {
                calls[id, default: [:]][turn.seq] = turn.calls.map(\.id)
                for result in turn.results {
                    results[result.callId] = (result.outcome, result.parts.text)
                }
            }
            for format in ProviderFormat.allCases {
                do {
                    _ = try await ledger.context(for: id, format: format)
                } catch {
                    report.problems.append("\(id) \(format.rawValue): \(error)")
                }
            }
        }
        for ack in book.acks {
            let (op, session, seq, token, detail) = (ack[0], ack[1], Int(ack[2]) ?? 0, ack[3], ack[4])
            let present: Bool
            switch op {
            case "append": present = texts[session]?[seq] == "msg \(token)"
            case "open": present = calls[session]?[seq] == detail.split(separator: ",").map(String.init)
            case "result":
                let parts = detail.split(separator: ":").map(String.init)
                present =
                    results[parts[0]].map { $0.text == "res \(token)" && $0.outcome.rawValue == parts[1] } ?? false
            default: present = texts[session]?[seq] != nil  // commit, cancel: the turn's entry is in the log
            }
            if !present { report.lost.append(ack.joined(separator: " ")) }
        }
    }

    /// The write token in a text the writer produced ("msg 7-12", "turn 7-12", "res 7-12").
    static func token(_ text: String) -> String? {
        let words = text.split(separator: " ")
        guard words.count == 2, ["msg", "turn", "res"].contains(words[0]) else { return nil }
        return String(words[1])
    }
}
