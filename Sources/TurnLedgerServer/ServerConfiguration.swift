/// Where the service listens and the limits it enforces.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Larger request bodies get `413`.
    public var maxBodyBytes: Int
    /// A live tail sends a comment line this often, so proxies keep the connection open.
    public var tailHeartbeatSeconds: Int
    /// A connection with no request in progress is closed after this long without a complete
    /// request head or body part: idle keep-alive connections, and clients that send their
    /// request head slower than this. A response being written (a live tail) is never cut.
    public var idleTimeoutSeconds: Int
    /// Once the first byte of a request arrives, its whole head must arrive within this long,
    /// or the connection is closed, however steadily the bytes trickle in.
    public var headerTimeoutSeconds: Int
    /// Connections open at once; past it a new one is answered `503 too_many_connections` at
    /// once and closed, so the server keeps its descriptors and stays responsive to the
    /// connections it has.
    public var maxConnections: Int
    /// Live tails open at once per tenant (the open service counts as one tenant); past it `429`.
    public var maxTailsPerTenant: Int
    /// The tenant whose keys may read `/metrics` (whole-service figures); nil: no key may, only
    /// the open service shows them.
    public var metricsTenant: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodyBytes: Int = 4 << 20,
        tailHeartbeatSeconds: Int = 15,
        idleTimeoutSeconds: Int = 60,
        headerTimeoutSeconds: Int = 10,
        maxConnections: Int = 4096,
        maxTailsPerTenant: Int = 256,
        metricsTenant: String? = nil
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.tailHeartbeatSeconds = tailHeartbeatSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.maxConnections = maxConnections
        self.maxTailsPerTenant = maxTailsPerTenant
        self.metricsTenant = metricsTenant
    }

    /// Whether the address only accepts connections from this machine.
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    }
}
