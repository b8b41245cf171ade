import Foundation
import GRDB
import TurnLedger

/// A ledger on a real file in a fresh temporary directory; call `remove()` when done.
struct TemporaryLedger {
    let directory: URL
    let path: String
    let ledger: Ledger

    init(configure: (inout LedgerConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("turnledger-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("ledger.sqlite").path
        var configuration = LedgerConfiguration(path: path)
        configure(&configuration)
        ledger = try Ledger(configuration: configuration)
    }

    /// Another connection to the same file, as any SQLite client would open it.
    func rawConnection(foreignKeys: Bool) throws -> DatabaseQueue {
        var config = Configuration()
        config.foreignKeysEnabled = foreignKeys
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }

    /// Writes a summary entry with raw SQL after dropping the trigger that checks its range, as a
    /// database written before that trigger, or edited behind the store's back, may hold one.
    func insertUncheckedSummary(in session: String, at seq: Int, covering range: ClosedRange<Int>, text: String)
        throws
    {
        try rawConnection(foreignKeys: true).write { db in
            try db.execute(sql: "DROP TRIGGER summaryCoversWholeTurnsOfItsHistory")
            try db.execute(
                sql: """
                    INSERT INTO entry (sessionKey, seq, role, parts, createdAt, summaryFrom, summaryTo)
                    VALUES ((SELECT key FROM session WHERE id = ?), ?, 'user', json_array(json_object('type', 'text', 'text', ?)), '2026-01-01 00:00:00.000', ?, ?)
                    """,
                arguments: [session, seq, text, range.lowerBound, range.upperBound])
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
