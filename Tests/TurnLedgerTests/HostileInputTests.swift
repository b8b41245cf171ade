import Foundation
import Testing
import TurnLedger

/// A fuzz test: hostile input against append, open, record, commit, import and export import.
/// Every call either succeeds or throws a `LedgerError`; nothing stored earlier changes;
/// `verify` stays clean; every session still renders a context every provider accepts.
@Suite struct HostileInputTests {
    /// A session as the store names it: two tenants may use one id.
    struct SessionName: Hashable {
        var tenant: String?
        var id: String

        func ledger(_ ledger: Ledger) -> Ledger { ledger.scoped(to: .tenant(tenant)) }
    }

    /// What the fuzz did, to show it reached both the accepting and the refusing paths.
    struct Tally {
        var succeeded = 0
        var refused: [String: Int] = [:]
        var untyped: [String] = []
    }

    @Test(arguments: Engine.allCases, [1, 2, 3] as [UInt64])
    func everyCallSucceedsOrFailsTypedAndNothingStoredChanges(engine: Engine, seed: UInt64) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = temp.ledger
        var input = HostileInput(seed: seed)
        var tally = Tally()
        var sessions = [SessionName(tenant: nil, id: "plain")]
        try await ledger.createSession(id: "plain")
        var snapshot: [SessionName: [Entry]] = [:]

        for step in 1...400 {
            let name = input.chance(10) ? SessionName(tenant: nil, id: input.identifier()) : input.pick(sessions)
            let session = name.id
            let scoped = ledger.scoped(to: .tenant(name.tenant))  // a session is named by (tenant, id)
            await attempt(&tally) {
                switch input.int(0..<9) {
                case 0:
                    let created = SessionName(tenant: input.chance(30) ? input.identifier() : nil, id: input.identifier())
                    _ = try await ledger.createSession(
                        id: created.id, tenant: created.tenant, metadata: input.metadata())
                    sessions.append(created)
                case 1, 2:
                    try await scoped.append(
                        input.parts(), role: input.pick(Role.allCases), to: session,
                        expectedSeq: input.chance(20) ? input.int(-2..<30) : nil,
                        idempotencyKey: input.chance(30) ? input.identifier() : nil)
                case 3:
                    try await scoped.openTurn(
                        in: session, parts: input.parts(), calls: input.calls(),
                        idempotencyKey: input.chance(20) ? input.identifier() : nil)
                case 4, 5:
                    let open = try await scoped.currentTurn(in: session)
                    let callID =
                        input.chance(80) ? open?.unansweredCallIds.first ?? input.identifier() : input.identifier()
                    try await scoped.recordResult(
                        input.parts(), outcome: input.pick(ToolOutcome.allCases), for: callID, in: session)
                case 6:
                    if input.chance(70) {
                        try await scoped.commitTurn(in: session)
                    } else {
                        try await scoped.cancelTurn(in: session)
                    }
                case 7 where input.chance(60):
                    let anthropic = input.chance(50)
                    let id = input.chance(70) ? "import-\(step)" : input.identifier()
                    try await scoped.importHistory(
                        input.history(anthropic: anthropic), format: anthropic ? .anthropic : .openAIChat, into: id)
                    sessions.append(SessionName(tenant: name.tenant, id: id))
                case 8 where input.chance(10):
                    try await importMutatedExport(of: ledger, input: &input, in: directory, engine: engine)
                default:
                    _ = try await scoped.context(for: session, format: input.pick(ProviderFormat.allCases))
                }
            }
            if step % 100 == 0 {
                try await expectUnchanged(ledger, sessions: sessions, since: &snapshot)
            }
        }

        #expect(tally.untyped.isEmpty, "errors that are not LedgerError: \(tally.untyped.prefix(5))")
        #expect(tally.succeeded > 50 && tally.refused.values.reduce(0, +) > 50, "\(tally)")
        #expect(tally.refused["invalid_input", default: 0] > 0 && tally.refused["session_not_found", default: 0] > 0)
        _ = try await ledger.recover()
        try await expectUnchanged(ledger, sessions: sessions, since: &snapshot)
        for name in Set(sessions) where try await name.ledger(ledger).session(name.id) != nil {
            for format in ProviderFormat.allCases {
                // throws if a provider would refuse it
                _ = try await name.ledger(ledger).context(for: name.id, format: format)
            }
        }
    }

    /// Runs one fuzzed call: a success or a `LedgerError` is fine; anything else is recorded.
    private func attempt(_ tally: inout Tally, _ call: () async throws -> Void) async {
        do {
            try await call()
            tally.succeeded += 1
        } catch let error as LedgerError {
            tally.refused[error.code, default: 0] += 1
        } catch {
            tally.untyped.append("\(type(of: error)): \(String(describing: error).prefix(300))")
        }
    }

    /// Exports the store, mutates a line or not, and imports it into a new store of the same
    /// engine, which must then verify clean whether the import was taken or refused.
    private func importMutatedExport(of ledger: Ledger, input: inout HostileInput, in directory: URL, engine: Engine)
        async throws
    {
        let name = UUID().uuidString
        let url = directory.appendingPathComponent("\(name).jsonl")
        try await ledger.export(to: url)
        var lines = try Data(contentsOf: url).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if !lines.isEmpty {
            let index = input.int(0..<lines.count)
            switch input.int(0..<4) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: index)
            default:
                var line = Data(lines[index])
                input.mutate(&line)
                lines[index] = line[...]
            }
        }
        try Data(lines.joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")]).write(to: url)
        let store = try await EngineLedger.open(engine)
        defer { store.remove() }
        let target = store.ledger
        do {
            try await target.importExport(from: url)
        } catch {
            #expect(try await target.listSessions().isEmpty)  // refused whole
            throw error
        }
        #expect(try await target.verify().isClean)
    }

    /// Every session's committed history still starts with what it held at the last snapshot;
    /// the whole store verifies clean.
    private func expectUnchanged(
        _ ledger: Ledger, sessions: [SessionName], since snapshot: inout [SessionName: [Entry]]
    ) async throws {
        for name in Set(sessions) where try await name.ledger(ledger).session(name.id) != nil {
            let entries = try await name.ledger(ledger).entries(in: name.id)
            let before = snapshot[name] ?? []
            #expect(Array(entries.prefix(before.count)) == before, "session \(name) changed")
            snapshot[name] = entries
        }
        let report = try await ledger.verify()
        #expect(report.isClean, "\(report)")
    }
}
