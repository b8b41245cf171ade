import Foundation
import GRDB
import Testing
import TurnLedger

@Suite struct ExportImportTests {
    /// A store holding every kind of row: turns, errors, summaries, usage, a fork, an open turn,
    /// tenants, metadata and a purge.
    private func fill(_ ledger: Ledger) async throws {
        try await Scenario.everything(ledger, id: "s1")
        try await ledger.appendSummary([.text("Earlier: weather in Moscow.")], covering: 1...6, to: "s1")
        try await ledger.fork("s1", at: 6, as: "f1", metadata: ["branch": "retry", "n": 2])
        try await ledger.append(
            [.text("ok")], role: .assistant, to: "f1", usage: TokenUsage(model: "m", inputTokens: 9))
        try await ledger.createSession(id: "open", tenant: "acme", metadata: ["x": ["nested": true]])
        try await ledger.append([.text("go")], role: .user, to: "open", idempotencyKey: "k1")
        try await ledger.openTurn(
            in: "open", parts: [.text("calling")], calls: [Fixtures.weather, Fixtures.wikipedia],
            idempotencyKey: "k2", usage: TokenUsage(outputTokens: 3))
        try await ledger.recordResult([.text("HTTP 403")], outcome: .error, for: Fixtures.wikipedia.id, in: "open")
        try await ledger.createSession(id: "gone")
        try await ledger.purge("gone", reason: "test", requestedBy: "me")
    }

    /// Also how a store moves from SQLite to PostgreSQL: the same export bytes come back.
    @Test(arguments: Engine.allCases) func anExportImportedIntoAnEmptyStoreGivesAnIdenticalStore(_ engine: Engine)
        async throws
    {
        let source = try TemporaryLedger()
        let target = try await EngineLedger.open(engine)
        defer { source.remove(); target.remove() }
        try await fill(source.ledger)
        let first = source.directory.appendingPathComponent("export.jsonl")
        let second = source.directory.appendingPathComponent("export-of-the-import.jsonl")

        let exported = try await source.ledger.export(to: first)
        let imported = try await target.ledger.importExport(from: first)
        try await target.ledger.export(to: second)

        #expect(exported == imported && exported.sessions == 3)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        #expect(try await target.ledger.verify().problems == [])
        for id in ["s1", "f1", "open"] {
            for format in ProviderFormat.allCases where id != "open" {
                let before = try await source.ledger.context(for: id, format: format).data
                let after = try await target.ledger.context(for: id, format: format).data
                #expect(before == after, "\(id) \(format)")
            }
            #expect(try await source.ledger.entries(in: id) == target.ledger.entries(in: id))
            #expect(try await source.ledger.currentTurn(in: id) == target.ledger.currentTurn(in: id))
        }
        let hits = try await target.ledger.search(SearchQuery("東京"))
        let sourceHits = try await source.ledger.search(SearchQuery("東京"))
        // The same rows on either engine (each ranks and cuts snippets its own way).
        #expect(hits.count == 2 && Set(hits.map { "\($0.sessionId) \($0.seq)" }) == Set(sourceHits.map { "\($0.sessionId) \($0.seq)" }))
        #expect(try await target.ledger.purgeAudit().map(\.sessionId) == ["gone"])
        // The imported open turn goes on as the original would.
        try await target.ledger.recordResult([.text("-3°C")], for: Fixtures.weather.id, in: "open")
        #expect(try await target.ledger.commitTurn(in: "open").results.count == 2)
    }

    @Test func anEditedTruncatedOrCollidingExportIsRefusedAndWritesNothing() async throws {
        let source = try TemporaryLedger()
        let target = try TemporaryLedger()
        defer { source.remove(); target.remove() }
        try await fill(source.ledger)
        let url = source.directory.appendingPathComponent("export.jsonl")
        try await source.ledger.export(to: url)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let edited = source.directory.appendingPathComponent("edited.jsonl")
        let editedLine = try #require(lines.firstIndex { $0.contains("HTTP 403 Forbidden") })
        try
            (lines.enumerated().map { $0 == editedLine ? $1.replacingOccurrences(of: "403", with: "200") : $1 }
            .joined(separator: "\n") + "\n").write(to: edited, atomically: true, encoding: .utf8)
        let truncated = source.directory.appendingPathComponent("truncated.jsonl")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(to: truncated, atomically: true, encoding: .utf8)
        try await target.ledger.createSession(id: "mine")

        await #expect(
            throws: LedgerError.exportRejected(
                line: editedLine + 1,
                reason: "the content of seq 5 of session 's1' does not match its exported hash")
        ) {
            try await target.ledger.importExport(from: edited)
        }
        await #expect(
            throws: LedgerError.exportRejected(
                line: lines.count - 1, reason: "the file ends before its closing line: truncated")
        ) {
            try await target.ledger.importExport(from: truncated)
        }
        try await target.ledger.importExport(from: url)
        await #expect(throws: LedgerError.exportRejected(line: 2, reason: "A session with id 's1' exists already.")) {
            try await target.ledger.importExport(from: url)
        }
        let ids = try await target.ledger.listSessions().map(\.id).sorted()
        #expect(ids == ["f1", "mine", "open", "s1"])
        #expect(try await target.ledger.verify().problems == [])
    }

    @Test func aFileThatIsNotAnExportNamesItsFirstBadLine() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let url = temp.directory.appendingPathComponent("bad.jsonl")
        try #"{"type":"header","format":"turnledger-export","version":9}"#.write(
            to: url, atomically: true, encoding: .utf8)

        await #expect(throws: LedgerError.exportRejected(line: 1, reason: "version 9 is not one this store reads (1)"))
        {
            try await temp.ledger.importExport(from: url)
        }
        try "[1,2]\n".write(to: url, atomically: true, encoding: .utf8)
        await #expect(throws: LedgerError.self) { try await temp.ledger.importExport(from: url) }
        #expect(try await temp.ledger.listSessions().isEmpty)
    }
}
