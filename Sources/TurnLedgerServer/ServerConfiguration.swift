/// Where the service listens and the limits it enforces.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Larger request bodies get `413`.
    public var maxBodyBytes: Int
    /// A live tail sends a comment line this often, so proxies keep the connection open.
    public var tailHeartbeatSeconds: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodyBytes: Int = 4 << 20,
        tailHeartbeatSeconds: Int = 15
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.tailHeartbeatSeconds = tailHeartbeatSeconds
    }

    /// Whether the address only accepts connections from this machine.
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    }
}
