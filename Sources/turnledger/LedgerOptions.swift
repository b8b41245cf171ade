import ArgumentParser
import Foundation
import Logging
import TurnLedger

/// The options every command shares: which store, and how much to log.
struct LedgerOptions: ParsableArguments {
    @Option(
        help: """
            The store: an SQLite file, or a PostgreSQL database as a URL \
            (postgres://user@host:5432/db, postgres://user@/db?host=/run/postgresql). \
            Default: $TURNLEDGER_STORE, else $TURNLEDGER_DB, else ./turnledger.sqlite.
            """)
    var store: String?

    @Option(help: "The SQLite file (the same as --store).")
    var db: String?

    @Option(help: "Log level on stderr (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level = .warning

    @Option(
        help: """
            process-crash: an acknowledged write survives a crash of the process (WAL, synchronous=NORMAL); \
            power-loss: it also survives a power cut or OS crash (synchronous=FULL, an fsync per commit).
            """)
    var durability: LedgerConfiguration.Durability = .processCrash

    @Option(help: "Seconds a write waits for another process's write lock before it fails with store_busy.")
    var busyTimeout: Double = 10

    @Option(
        help: """
            The most connections this process keeps open to a PostgreSQL store (its pool; one more \
            listens for other services' commits): N services need N times this plus N within the \
            server's max_connections. Ignored for an SQLite file.
            """)
    var storeConnections = 20

    @OptionGroup var historyCache: HistoryCacheOption

    @Option(
        help: """
            Name sessions within this tenant: a session id then means this tenant's session, and \
            lists, searches and exports hold this tenant's sessions only. "" names the sessions \
            without a tenant. Without it a session id names the one session that has it, whatever \
            its tenant (an id two tenants use is refused as ambiguous).
            """)
    var inTenant: String?

    /// The store's path or URL.
    var path: String {
        let environment = ProcessInfo.processInfo.environment
        return store ?? db ?? environment["TURNLEDGER_STORE"] ?? environment["TURNLEDGER_DB"] ?? "./turnledger.sqlite"
    }

    mutating func validate() throws {
        if store != nil, db != nil { throw ValidationError("Give the store once: --store or --db, not both.") }
    }

    func openLedger(configure: (inout LedgerConfiguration) -> Void = { _ in }) async throws -> Ledger {
        var logger = Logger(label: "turnledger", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = logLevel
        var configuration = LedgerConfiguration(
            path: path, busyTimeout: .milliseconds(Int((busyTimeout * 1000).rounded())), durability: durability,
            maxStoreConnections: storeConnections, historyCacheBytes: historyCache.bytes)
        configure(&configuration)
        let ledger = try await Ledger.open(configuration: configuration, logger: logger)
        guard let inTenant else { return ledger }
        return ledger.scoped(to: .tenant(inTenant.isEmpty ? nil : inTenant))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Parsed and listed by its raw values, `process-crash` and `power-loss`.
extension LedgerConfiguration.Durability: ExpressibleByArgument {}
