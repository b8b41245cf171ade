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

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
