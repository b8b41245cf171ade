import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import TurnLedger

/// The HTTP service over one ledger: build it, run it, and it stops gracefully on SIGINT or
/// SIGTERM (requests in flight finish, live tails end).
public enum LedgerServer {
    /// Why the service refuses to start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The application, ready to `runService()`.
    ///
    /// - Parameter onRunning: Called with the bound port once the server listens (useful with port 0).
    /// - Throws: ``StartError`` when the store has no API key and the address is not loopback, or
    ///   when the open-file limit cannot make room for `maxConnections`.
    public static func application(
        ledger: Ledger,
        configuration: ServerConfiguration,
        logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let open = try await !ledger.hasActiveAPIKeys()
        if open && !configuration.isLoopback {
            throw StartError(
                description: "Refusing to serve \(configuration.host) without API keys: the store has none. "
                    + "Create one with `turnledger keys create --tenant T`, or listen on 127.0.0.1.")
        }
        try DescriptorLimit.makeRoom(for: configuration.maxConnections)
        let router = Router(context: APIContext.self)
        let metrics = ServiceMetrics()
        router.add(middleware: AccessLogMiddleware(logger: logger, metrics: metrics))
        router.add(middleware: ErrorMiddleware())  // inside the log: it logs and counts every error as its response
        router.add(middleware: AuthMiddleware(ledger: ledger))
        LedgerAPI(
            ledger: ledger, configuration: configuration, metrics: metrics,
            tails: TailSlots(limit: configuration.maxTailsPerTenant)
        ).register(on: router)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)  // Hummingbird's own per-request lines
        let gate = ConnectionGate(limit: configuration.maxConnections)
        let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                LimitedHTTP1Channel(
                    base: HTTP1Channel(responder: responder, configuration: http1), gate: gate,
                    headTimeout: .seconds(Int64(configuration.headerTimeoutSeconds)))
            },
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "TurnLedger"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: quiet
        )
    }
}
