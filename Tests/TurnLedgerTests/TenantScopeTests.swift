import Foundation
import GRDB
import Testing

@testable import TurnLedger

/// A session is named by (tenant, id): two tenants may each have a session `s1` (migration 0009).
@Suite struct TenantScopeTests {
    @Test(arguments: Engine.allCases) func twoTenantsEachHaveASessionOfTheSameIdWithItsOwnHistory(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let acme = temp.ledger.scoped(to: .tenant("acme"))
        let globex = temp.ledger.scoped(to: .tenant("globex"))
        #expect(try await acme.createSession(id: "s1").tenant == "acme")
        #expect(try await globex.createSession(id: "s1").tenant == "globex")
        try await Scenario.parallelCallsWithAnError(temp.ledger.scoped(to: .tenant(nil)))  // and one without a tenant
        try await acme.append([.text("acme's plans")], role: .user, to: "s1")
        try await globex.append([.text("globex's plans")], role: .user, to: "s1")
        try await globex.openTurn(in: "s1", calls: [Fixtures.weather])

        #expect(try await acme.entries(in: "s1").map(\.parts) == [[.text("acme's plans")]])
        #expect(try await globex.entries(in: "s1").map(\.parts) == [[.text("globex's plans")]])
        #expect(try await acme.currentTurn(in: "s1") == nil)
        #expect(try await globex.currentTurn(in: "s1")?.calls == [Fixtures.weather])
        #expect(try await acme.openTurns().isEmpty)
        #expect(try await globex.openTurns().count == 1)
        #expect(try await temp.ledger.scoped(to: .tenant(nil)).entries(in: "s1").count == 6)

        // Unscoped, an id that several tenants use names no one session.
        let ambiguous = LedgerError.sessionIDAmbiguous("s1", tenants: [nil, "acme", "globex"])
        await #expect(throws: ambiguous) { try await temp.ledger.entries(in: "s1") }
        await #expect(throws: ambiguous) { try await temp.ledger.append([.text("x")], role: .user, to: "s1") }
        await #expect(throws: ambiguous) { try await temp.ledger.session("s1") }
        #expect(ambiguous.code == "session_id_ambiguous" && ambiguous.description.contains("'acme'"))
        // An id only one tenant uses still needs no scope.
        try await globex.createSession(id: "g1")
        #expect(try await temp.ledger.append([.text("hi")], role: .user, to: "g1").seq == 1)

        // Once per tenant; the recovery of every open turn stays in the ledger's scope.
        await #expect(throws: LedgerError.sessionAlreadyExists("s1")) { try await acme.createSession(id: "s1") }
        #expect(try await acme.recover().isEmpty)
        #expect(try await globex.recover().count == 1)
        #expect(try await temp.ledger.verify().problems == [])
    }

    @Test func aScopedLedgerKnowsNothingOfAnotherTenantsSessions() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let acme = temp.ledger.scoped(to: .tenant("acme"))
        let globex = temp.ledger.scoped(to: .tenant("globex"))
        try await acme.createSession(id: "a1", metadata: ["team": "red"])
        try await acme.append([.text("quarterly secret plans")], role: .user, to: "a1")
        try await acme.append([.text("ok")], role: .assistant, to: "a1", usage: TokenUsage(inputTokens: 5))

        #expect(try await globex.session("a1") == nil)
        for attempt in [
            { try await globex.append([.text("x")], role: .user, to: "a1") } as @Sendable () async throws -> Void,
            { _ = try await globex.entries(in: "a1") },
            { _ = try await globex.fork("a1", at: 1, as: "mine") },
            { _ = try await globex.purge("a1", reason: "x", requestedBy: "globex") },
            { _ = try await globex.search(SearchQuery("plans", sessionId: "a1")) },
            { _ = try await globex.usageTotals(in: "a1") },
            { _ = try await globex.context(for: "a1", format: .openAIChat) },
        ] {
            await #expect(throws: LedgerError.sessionNotFound("a1")) { try await attempt() }
        }
        #expect(try await globex.listSessions().isEmpty)
        #expect(try await globex.sessions(matching: SessionQuery()).sessions.isEmpty)
        #expect(try await globex.search(SearchQuery("plans")).isEmpty)
        #expect(try await acme.search(SearchQuery("plans")).map(\.sessionId) == ["a1"])
        #expect(try await globex.toolStats().isEmpty)
        await #expect(throws: LedgerError.self) { try await globex.usageTotals(tenant: "acme") }
        await #expect(throws: LedgerError.self) { try await globex.createSession(id: "x", tenant: "acme") }
        let export = temp.directory.appendingPathComponent("globex.jsonl")
        await #expect(throws: LedgerError.self) { try await globex.export(to: export, tenant: "acme") }
        #expect(try await globex.export(to: export).sessions == 0)
        #expect(try String(contentsOf: export, encoding: .utf8).contains("a1") == false)
        #expect(try await acme.entries(in: "a1").count == 2)
    }

    @Test(arguments: Engine.allCases) func forksAndPurgesStayWithinTheirTenant(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        let acme = temp.ledger.scoped(to: .tenant("acme"))
        let globex = temp.ledger.scoped(to: .tenant("globex"))
        for ledger in [acme, globex] {
            try await Scenario.parallelCallsWithAnError(ledger)
            #expect(try await ledger.fork("s1", at: 5, as: "f").tenant == ledger.scopeTenant)
        }
        try await globex.append([.text("only on globex's fork")], role: .user, to: "f")
        await #expect(throws: LedgerError.sessionAlreadyExists("f")) { try await acme.fork("s1", at: 5, as: "f") }

        let purged = try await acme.purge("s1", reason: "asked", requestedBy: "ops", includingForks: true)
        #expect(purged.map(\.sessionId) == ["f", "s1"] && purged.allSatisfy { $0.tenant == "acme" })
        #expect(try await acme.listSessions().isEmpty)
        #expect(try await globex.entries(in: "f").count == 6)
        #expect(try await globex.entries(in: "s1").count == 6)
        #expect(try await acme.purgeAudit().count == 2)
        #expect(try await globex.purgeAudit().isEmpty)
        #expect(try await temp.ledger.verify().problems == [])
    }

    @Test func aStoreWithTheSameIdInTwoTenantsExportsAndImportsToTheSameBytes() async throws {
        let source = try TemporaryLedger()
        let target = try TemporaryLedger()
        defer { source.remove(); target.remove() }
        for tenant in ["acme", "globex"] {
            let ledger = source.ledger.scoped(to: .tenant(tenant))
            try await Scenario.parallelCallsWithAnError(ledger)
            try await ledger.fork("s1", at: 5, as: "f")
            try await ledger.append([.text("\(tenant) goes on")], role: .user, to: "f")
        }
        let first = source.directory.appendingPathComponent("export.jsonl")
        let second = target.directory.appendingPathComponent("export.jsonl")
        try await source.ledger.export(to: first)
        #expect(try await target.ledger.importExport(from: first).sessions == 4)
        try await target.ledger.export(to: second)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        #expect(try await target.ledger.verify().problems == [])
        let fork = try await target.ledger.scoped(to: .tenant("globex")).entries(in: "f")
        #expect(fork.last?.parts == [.text("globex goes on")])
    }

    @Test(arguments: Engine.allCases) func anIdOrASearchWithANULNamesNothingAndSaysSo(_ engine: Engine) async throws {
        let temp = try await EngineLedger.open(engine)
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1", tenant: "acme")
        try await temp.ledger.append([.text("plans")], role: .user, to: "s1")
        for ledger in [temp.ledger, temp.ledger.scoped(to: .tenant("acme"))] {
            #expect(try await ledger.session("s1\0x") == nil)
            await #expect(throws: LedgerError.sessionNotFound("s1\0x")) { try await ledger.entries(in: "s1\0x") }
            await #expect(throws: LedgerError.invalidInput(field: "text", reason: "must not contain a NUL character")) {
                try await ledger.search(SearchQuery("plans\0"))
            }
        }
        #expect(try await temp.ledger.entries(in: "s1").count == 1)
    }

    @Test func theSchemaNamesASessionByTenantAndId() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.createSession(id: "s1", tenant: "acme")
        try await temp.ledger.createSession(id: "s1")
        let raw = try temp.rawConnection(foreignKeys: true)
        let insert = "INSERT INTO session (id, tenant, createdAt) VALUES (?, ?, '2026-01-01 00:00:00.000')"
        for tenant in ["acme", nil] {
            #expect(throws: DatabaseError.self) {
                try raw.write { db in try db.execute(sql: insert, arguments: ["s1", tenant]) }
            }
        }
        try await raw.write { db in try db.execute(sql: insert, arguments: ["s1", "globex"]) }
        #expect(try await temp.ledger.scoped(to: .tenant("globex")).session("s1")?.tenant == "globex")
    }

    @Test func aDatabaseFromBeforeTenantScopedIdsIsMigratedWithItsHistoryHashesAndSearch() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let old = temp.directory.appendingPathComponent("0008.sqlite").path
        // Written by this version, then taken back to the tables of migration 0008: the rows
        // as 0008 held them (text session ids), hashes and all.
        let source = try TemporaryLedger()
        defer { source.remove() }
        try await Scenario.everything(source.ledger)
        try await source.ledger.fork("s1", at: 5, as: "f1")
        try await source.ledger.append([.text("после развилки")], role: .user, to: "f1")
        try await source.ledger.createSession(id: "open", tenant: "acme")
        try await source.ledger.append([.text("go")], role: .user, to: "open", idempotencyKey: "k1")
        try await source.ledger.openTurn(in: "open", calls: [Fixtures.weather, Fixtures.wikipedia])
        try await source.ledger.recordResult([.text("HTTP 403")], outcome: .error, for: Fixtures.wikipedia.id, in: "open")
        let before = try await source.ledger.verify()
        #expect(before.problems == [])
        let rows = try await source.ledger.sqlite!.read { db in try EarlierRows.at0008(db) }
        try await EarlierDatabase.create(at: old, migrations: 8, rows: rows)

        let ledger = try Ledger(path: old)
        #expect(try await ledger.verify().problems == [])
        for id in ["s1", "f1", "open"] {
            let expected = try await source.ledger.entries(in: id)
            #expect(try await ledger.entries(in: id) == expected)
        }
        #expect(try await ledger.session("open")?.tenant == "acme")
        #expect(try await ledger.session("f1")?.parentSessionId == "s1")
        #expect(try await ledger.search(SearchQuery("развилки")).map(\.sessionId) == ["f1"])
        #expect(try await ledger.currentTurn(in: "open")?.results.count == 1)
        try await ledger.append([.text("and on")], role: .user, to: "f1")
        #expect(try await ledger.verify().problems == [])
    }
}

extension Ledger {
    /// The tenant a scoped ledger names sessions in (tests).
    var scopeTenant: String? {
        if case .tenant(let tenant) = scope { return tenant }
        return nil
    }
}
