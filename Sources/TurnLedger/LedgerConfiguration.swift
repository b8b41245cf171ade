/// How a ledger opens its store: an SQLite file, or a PostgreSQL database named by a URL.
public struct LedgerConfiguration: Sendable, Equatable {
    /// What a write has survived once it returns.
    /// Raw values are the spellings the CLI and documentation use.
    public enum Durability: String, Sendable, Equatable, CaseIterable {
        /// WAL with `synchronous=NORMAL`: an acknowledged write survives a crash of the process;
        /// the last writes before a power loss or OS crash may be rolled back (never torn).
        case processCrash = "process-crash"
        /// WAL with `synchronous=FULL`: an acknowledged write also survives a power loss.
        case powerLoss = "power-loss"

        /// The SQLite `synchronous` level it sets on the writer connection: `NORMAL` or `FULL`.
        public var synchronous: String { self == .powerLoss ? "FULL" : "NORMAL" }
    }

    /// The SQLite file (created with its directory's permissions when missing), or a PostgreSQL
    /// database as a URL (`postgres://user@host:5432/database`; see ``Ledger/open(configuration:logger:)``).
    public var path: String
    /// How long a write waits for another process's write lock before it fails.
    public var busyTimeout: Duration
    public var durability: Durability
    /// The longest session id, call id, tool name or idempotency key, in UTF-8 bytes.
    public var maxIdentifierLength: Int
    /// The most tool calls one turn may make.
    public var maxCallsPerTurn: Int
    /// The most connections a PostgreSQL ledger keeps open to its server (its pool; postgres-nio's
    /// default, 20), and one more listens for other services' commits. Each process that opens the
    /// ledger opens up to this many: N services need N times this plus N within the server's
    /// `max_connections`. An SQLite ledger ignores it.
    public var maxStoreConnections: Int
    /// How often a tail of a PostgreSQL ledger reads again without having been woken: other
    /// services' commits wake it through `LISTEN`/`NOTIFY`, and this read finds one whose
    /// notification was lost. An SQLite ledger's tails never poll.
    public var tailPollInterval: Duration
    /// The most memory, in bytes (estimated from the texts), an SQLite ledger keeps of the decoded
    /// logs of the sessions it read or wrote last, so that a context build reads only the rows
    /// committed since; 0 keeps none. 32 MiB by default (a full cache grows the resident memory of
    /// `turnledger bench` by about this much). Every cached log is checked against the hash chain in the
    /// read that uses it, so another process's writes are seen as without it. A PostgreSQL ledger
    /// ignores it.
    public var historyCacheBytes: Int

    /// The default ``historyCacheBytes``: 32 MiB.
    public static let defaultHistoryCacheBytes = 32 << 20

    /// A configuration for the file at `path`; the defaults suit one agent service.
    public init(
        path: String,
        busyTimeout: Duration = .seconds(10),
        durability: Durability = .processCrash,
        maxIdentifierLength: Int = 512,
        maxCallsPerTurn: Int = 256,
        maxStoreConnections: Int = 20,
        tailPollInterval: Duration = .seconds(5),
        historyCacheBytes: Int = defaultHistoryCacheBytes
    ) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.durability = durability
        self.maxIdentifierLength = maxIdentifierLength
        self.maxCallsPerTurn = maxCallsPerTurn
        self.maxStoreConnections = maxStoreConnections
        self.tailPollInterval = tailPollInterval
        self.historyCacheBytes = historyCacheBytes
    }
}
