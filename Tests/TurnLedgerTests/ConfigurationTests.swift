import Foundation
import GRDB
import Testing

@testable import TurnLedger

@Suite struct ConfigurationTests {
    @Test(arguments: [
        (LedgerConfiguration.Durability.processCrash, 1),  // NORMAL
        (.powerLoss, 2),  // FULL
    ])
    func durabilitySetsSynchronousOnTheWriter(durability: LedgerConfiguration.Durability, level: Int) async throws {
        let temp = try TemporaryLedger { $0.durability = durability }
        defer { temp.remove() }
        let writing = try await temp.ledger.sqlite!.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writing == level)
        #expect(
            try await temp.ledger.sqlite!.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try await temp.ledger.sqlite!.writer.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") } == true)
    }

    @Test func twoLedgersOnOneFileSeeEachOthersWrites() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let other = try Ledger(path: temp.path)
        try await temp.ledger.createSession(id: "s1")

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, ledger) in [temp.ledger, other, temp.ledger, other].enumerated() {
                group.addTask {
                    for turn in 0..<10 {
                        try await ledger.createSession(id: "w\(index)-\(turn)")
                        try await ledger.append([.text("\(index)/\(turn)")], role: .user, to: "w\(index)-\(turn)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await other.listSessions().count == 41)
        #expect(try await temp.ledger.verify().isClean)
    }
}
