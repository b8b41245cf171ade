import Foundation
import GRDB
import Testing
import TurnLedger

/// Rewind: a marker after which a session's history reads as it stood at an earlier seq, while the
/// log keeps every entry (docs/schema.md, "Rewind").
@Suite struct RewindTests {
    @Test func aRewindTakesTheHistoryBackAndTheLogKeepsEverything() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)  // seqs 1...6, the turn at 3...5
        let before = try await temp.ledger.entries(in: "s1")

        let marker = try await temp.ledger.rewind("s1", to: 2)
        try await temp.ledger.append([.text("Only the weather, please.")], role: .user, to: "s1")

        #expect(marker.seq == 7 && marker.rewindsTo == 2 && marker.parts.isEmpty)
        let history = try await temp.ledger.entries(in: "s1")
        #expect(history.map(\.seq) == [1, 2, 8])
        #expect(history.last?.parts == [.text("Only the weather, please.")])
        #expect(try await temp.ledger.entries(in: "s1", asOf: 6) == before)
        #expect(try await temp.ledger.entries(in: "s1", asOf: 7).map(\.seq) == [1, 2])
        let body = try ParsedBody(try await temp.ledger.context(for: "s1", format: .openAIChat))
        #expect(body.list("messages").count == 3)
        #expect(try await temp.ledger.context(for: "s1", format: .openAIChat).renderedSeqs == [1, 2, 8])
        #expect(try await temp.ledger.nextSeq(in: "s1") == 9)
        #expect(try await temp.ledger.verify().problems == [])
        // The marker is in the chain: editing it is found.
        try await temp.rawConnection(foreignKeys: false).write { db in
            try db.execute(sql: "DROP TRIGGER entryIsAppendOnlyOnUpdate")
            try db.execute(sql: "UPDATE entry SET rewindTo = 1 WHERE seq = 7")
        }
        let problems = try await temp.ledger.verify().problems
        #expect(problems.contains { $0.check == "hash_chain" && $0.detail.hasSuffix("breaks at seq 7") }, "\(problems)")
    }

    @Test(arguments: Engine.allCases) func rewindsNestAsTheRecursiveDefinitionSays(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1")
        var generator = SystemRandomNumberGenerator()
        var log: [(seq: Int, rewindTo: Int?)] = []  // the reference: every item, a turn as its last seq
        for step in 0..<60 {
            let next = (log.last?.seq ?? 0) + 1
            if step % 4 == 3 {
                let targets = [0] + log.map(\.seq)
                let target = targets[Int.random(in: 0..<targets.count, using: &generator)]
                try await temp.ledger.rewind("s1", to: target)
                log.append((next, target))
            } else if step % 5 == 1 {
                try await temp.ledger.openTurn(in: "s1", calls: [ToolCall(id: "c", name: "t", arguments: "{}")])
                try await temp.ledger.recordResult([.text("r\(step)")], for: "c", in: "s1")
                try await temp.ledger.commitTurn(in: "s1")
                log.append((next + 1, nil))  // the turn ends at its result
            } else {
                try await temp.ledger.append([.text("m\(step)")], role: step % 2 == 0 ? .user : .assistant, to: "s1")
                log.append((next, nil))
            }
            let expected = Self.reference(log, at: log.last!.seq)
            #expect(try await temp.ledger.entries(in: "s1").map(\.seq) == expected, "after step \(step)")
        }
        for item in log where item.rewindTo == nil {  // every past history, read back as it was
            #expect(try await temp.ledger.entries(in: "s1", asOf: item.seq).map(\.seq) == Self.reference(log, at: item.seq))
        }
        _ = try await temp.ledger.context(for: "s1", format: .anthropic)
        #expect(try await temp.ledger.verify().problems == [])
    }

    /// H(n) by the definition, with no shared code: the seqs of the history as it stood at `seq`.
    private static func reference(_ log: [(seq: Int, rewindTo: Int?)], at seq: Int) -> [Int] {
        guard seq > 0, let index = log.lastIndex(where: { $0.seq <= seq }) else { return [] }
        let item = log[index]
        if let target = item.rewindTo { return reference(log, at: target) }
        let first = index > 0 ? log[index - 1].seq + 1 : 1
        return reference(log, at: first - 1) + (first...item.seq).map { $0 }
    }

    @Test(arguments: [3, 4])
    func aRewindIntoATurnIsRefusedByTheLedgerAndTheSchema(seq: Int) async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)

        await #expect(throws: LedgerError.seqInsideTurn(sessionID: "s1", seq: seq, turn: 3...5)) {
            try await temp.ledger.rewind("s1", to: seq)
        }
        await #expect(throws: LedgerError.invalidInput(field: "to", reason: "7 is not in the log of session 's1', which holds 1...6")) {
            try await temp.ledger.rewind("s1", to: 7)
        }
        await #expect(throws: LedgerError.invalidInput(field: "to", reason: "must be 0 or more, not -1")) {
            try await temp.ledger.rewind("s1", to: -1)
        }
        let raw = try temp.rawConnection(foreignKeys: true)
        #expect(throws: DatabaseError.self) {
            try raw.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO entry (sessionKey, seq, role, parts, createdAt, rewindTo)
                        VALUES ((SELECT key FROM session WHERE id = 's1'), 7, 'user', '[]', '2026-12-01T00:00:00.000Z', ?)
                        """, arguments: [seq])
            }
        }
        #expect(throws: DatabaseError.self) {  // a marker holds no content
            try raw.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO entry (sessionKey, seq, role, parts, createdAt, rewindTo)
                        VALUES ((SELECT key FROM session WHERE id = 's1'), 7, 'user', '[{"type":"text","text":"x"}]',
                                '2026-12-01T00:00:00.000Z', 2)
                        """)
            }
        }
        #expect(try await temp.ledger.entries(in: "s1").map(\.seq) == Array(1...6))
        #expect(try await temp.ledger.nextSeq(in: "s1") == 7)
    }

    @Test func aMarkerIntoATurnWrittenWithTheTriggerDroppedIsNamedByVerifyAndReadSafely() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Scenario.parallelCallsWithAnError(temp.ledger)  // the turn at 3...5
        try await temp.rawConnection(foreignKeys: true).write { db in
            try db.execute(sql: "DROP TRIGGER rewindLandsBetweenTurns")
            try db.execute(
                sql: """
                    INSERT INTO entry (sessionKey, seq, role, parts, createdAt, rewindTo)
                    VALUES ((SELECT key FROM session WHERE id = 's1'), 7, 'user', '[]', '2026-12-01T00:00:00.000Z', 4)
                    """)
        }
        let problems = try await temp.ledger.verify().problems
        #expect(
            problems.contains(
                VerificationReport.Problem(
                    check: "rewind_inside_turn", detail: "session 's1' seq 7: the rewind to seq 4 lands inside the turn at seq 3")),
            "\(problems)")
        // Read as far back as whole turns go: the history never ends between a call and its result.
        #expect(try await temp.ledger.entries(in: "s1").map(\.seq) == [1, 2])
        _ = try await temp.ledger.context(for: "s1", format: .openAIChat)
    }

    @Test(arguments: Engine.allCases) func anOpenTurnIsKeptUnlessTheCallerAsksToDiscardIt(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)  // seqs 1, 2
        try await temp.ledger.openTurn(in: "s1", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await temp.ledger.recordResult([.text("sunny")], for: Fixtures.weather.id, in: "s1")

        await #expect(throws: LedgerError.openTurnPending(sessionID: "s1", seq: 3, unansweredCallIDs: [Fixtures.wikipedia.id])) {
            try await temp.ledger.rewind("s1", to: 1)
        }
        #expect(try await temp.ledger.currentTurn(in: "s1")?.results.count == 1)

        let marker = try await temp.ledger.rewind("s1", to: 1, discardingOpenTurn: true)
        #expect(marker.seq == 3)
        #expect(try await temp.ledger.currentTurn(in: "s1") == nil)
        #expect(try await temp.ledger.entries(in: "s1").map(\.seq) == [1])
        #expect(try await temp.ledger.verify().problems == [])
    }

    @Test(arguments: Engine.allCases) func aRetriedRewindWritesOneMarker(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await Fixtures.startSession("s1", in: temp.ledger)

        let first = try await temp.ledger.rewind("s1", to: 1, idempotencyKey: "k1")
        let again = try await temp.ledger.rewind("s1", to: 1, idempotencyKey: "k1")
        #expect(first == again)
        #expect(try await temp.ledger.nextSeq(in: "s1") == 4)
        await #expect(throws: LedgerError.idempotencyKeyReused(sessionID: "s1", key: "k1")) {
            try await temp.ledger.rewind("s1", to: 0, idempotencyKey: "k1")
        }
        await #expect(throws: LedgerError.seqConflict(sessionID: "s1", expected: 3, next: 4)) {
            try await temp.ledger.rewind("s1", to: 0, expectedSeq: 3)
        }
    }

    @Test func forksPagesTailsAndExportsSeeTheRewind() async throws {
        let source = try TemporaryLedger()
        defer { source.remove() }
        try await Scenario.parallelCallsWithAnError(source.ledger)  // 1...6
        try await source.ledger.rewind("s1", to: 5)  // 7: the closing assistant message leaves
        try await source.ledger.append([.text("Say it in English.")], role: .user, to: "s1")  // 8
        try await source.ledger.fork("s1", at: 7, as: "f")
        try await source.ledger.append([.text("f8")], role: .user, to: "f")

        #expect(try await source.ledger.entries(in: "f").map(\.seq) == [1, 2, 3, 4, 5, 8])
        #expect(try await source.ledger.entries(in: "s1").map(\.seq) == [1, 2, 3, 4, 5, 8])

        var pages: [[Int]] = []
        var after = 0
        while pages.count < 10 {
            let page = try await source.ledger.entries(in: "s1", after: after, limit: 2)
            pages.append(page.entries.map(\.seq))
            guard let next = page.nextAfter else { break }
            after = next
        }
        #expect(pages == [[1, 2], [3, 4, 5, 8]])

        var tailed: [Entry] = []
        for try await event in try await source.ledger.tail("s1", after: 6, heartbeat: .milliseconds(50)) {
            if case .entry(let entry) = event { tailed.append(entry) } else { break }
        }
        #expect(tailed.map(\.seq) == [7, 8] && tailed.first?.rewindsTo == 5)

        let target = try TemporaryLedger()
        defer { target.remove() }
        let first = source.directory.appendingPathComponent("export.jsonl")
        let second = target.directory.appendingPathComponent("export.jsonl")
        try await source.ledger.export(to: first)
        try await target.ledger.importExport(from: first)
        try await target.ledger.export(to: second)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        #expect(try String(contentsOf: first, encoding: .utf8).contains(#""rewindTo":5"#))
        #expect(try await target.ledger.entries(in: "f") == source.ledger.entries(in: "f"))
        #expect(try await target.ledger.verify().problems == [])
    }
}
