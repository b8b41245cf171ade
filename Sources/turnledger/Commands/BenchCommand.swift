import ArgumentParser
import Foundation
import TurnLedger

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Ingest a benchmark workload message by message, build every session's context, print figures as JSON.",
        discussion: """
            Run it from a release build (swift build -c release). The workload comes from \
            make_workload.py (see docs/performance.md). The database file is deleted first. The \
            printed line has the keys of the raw SQLite baseline plus context latency and peak memory; \
            the exit status is 1 when a check fails.
            """
    )

    @Option(help: "The workload, JSON Lines.") var workload: String
    @Option(help: "The database file, deleted first; or an empty PostgreSQL database's postgres:// URL.") var db: String
    @Option(help: "process-crash (synchronous=NORMAL, as the baseline) or power-loss (FULL).")
    var durability: LedgerConfiguration.Durability = .processCrash
    @Option(help: "Run N agents at once, each owning its sessions and awaiting each write (group commit).")
    var writers: Int?
    @OptionGroup var historyCache: HistoryCacheOption

    func validate() throws {
        if let writers, writers < 1 { throw ValidationError("--writers must be 1 or more.") }
    }

    func run() async throws {
        let workload = Workload(path: workload)
        let onPostgres = PostgresLocation.isURL(db)
        if !onPostgres {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: db + suffix)
            }
        }
        let ledger = try await Ledger.open(configuration: LedgerConfiguration(path: db, durability: durability, historyCacheBytes: historyCache.bytes))
        let config =
            (onPostgres ? "PostgreSQL; " : "WAL, synchronous=\(durability.synchronous); ")
            + (writers.map { "turnledger library API, \($0) concurrent agents" + (onPostgres ? "" : ", group commit") }
                ?? "turnledger library API, one transaction per write")
        let report = try await BenchRunner(ledger: ledger, workload: workload).run(config: config, writers: writers)
        try Output.json(report)
        if !report.ok { throw ExitCode.failure }
    }
}
