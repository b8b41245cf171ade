import Foundation
import Testing
import TurnLedger

/// The storage engines the behaviour suites run on: a test that takes one as its argument runs on
/// each (`@Test(arguments: Engine.allCases)`).
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

/// A ledger on a fresh store of `engine`: an SQLite file in a temporary directory, or a new
/// database in the test cluster (``PostgresCluster/shared()``). Call `remove()` when done.
struct EngineLedger {
    let engine: Engine
    let ledger: Ledger
    /// The SQLite file, or the PostgreSQL URL.
    let store: String
    /// The PostgreSQL database's name.
    var database: String? = nil
    private let directory: URL?

    static func open(_ engine: Engine, configure: (inout LedgerConfiguration) -> Void = { _ in }) async throws
        -> EngineLedger
    {
        switch engine {
        case .sqlite:
            let temp = try TemporaryLedger(configure: configure)
            return EngineLedger(engine: engine, ledger: temp.ledger, store: temp.path, directory: temp.directory)
        case .postgres:
            let cluster = try await PostgresCluster.shared()
            let database = try await cluster.createDatabase()
            let url = cluster.url(database)
            var configuration = LedgerConfiguration(path: url, maxStoreConnections: 4)  // many tests run at once
            configure(&configuration)
            let ledger = try await Ledger.open(configuration: configuration)
            return EngineLedger(engine: engine, ledger: ledger, store: url, database: database, directory: nil)
        }
    }

    func remove() {
        try? ledger.close()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}
