import ArgumentParser
import TurnLedger

/// `--history-cache-mb`: how much of the sessions' decoded logs an SQLite ledger keeps in memory
/// (``LedgerConfiguration/historyCacheBytes``), for every command that opens one.
struct HistoryCacheOption: ParsableArguments {
    @Option(
        name: .customLong("history-cache-mb"),
        help: """
            MiB of decoded session logs an SQLite store keeps in memory, so that a context build \
            reads only the rows committed since (0 keeps none: every build reads the whole log; \
            checked against the hash chain on every read). Ignored for PostgreSQL.
            """)
    var megabytes = LedgerConfiguration.defaultHistoryCacheBytes >> 20

    /// The size in bytes, as the configuration takes it.
    var bytes: Int { megabytes << 20 }

    func validate() throws {
        if !(0...(1 << 30)).contains(megabytes) {
            throw ValidationError("--history-cache-mb must be between 0 and \(1 << 30), not \(megabytes).")
        }
    }
}
