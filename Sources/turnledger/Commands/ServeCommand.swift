import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TurnLedger
import TurnLedgerServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the store over HTTP (JSON API, live tails, OpenAPI at /openapi.json).",
        discussion: """
            With no API key in the store the service runs open, and only on a loopback address; \
            on any other address it refuses to start until `turnledger keys create` made one. \
            SIGINT or SIGTERM stop it gracefully: requests in flight finish, then the database closes.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port; 0 picks a free one (printed when listening).") var port = 8080
    @Option(help: "Larger request bodies get 413.") var maxBodyBytes = 4 << 20
    @Option(help: "The most tool calls one turn may make (more: 422).") var maxCallsPerTurn = 256
    @Option(help: "The longest session id, tenant, key or call id, in bytes (longer: 422).") var maxIdLength = 512
    @Option(help: "Seconds before a connection without a request in progress (or sending its head that slowly) is closed.")
    var idleTimeout = 60
    @Option(help: "Seconds a request head may take from its first byte to its end; slower clients are closed.")
    var headerTimeout = 10
    @Option(help: "Connections open at once; past it a new one gets 503 at once and is closed.") var maxConnections = 4096
    @Option(help: "Live tails open at once per tenant (more: 429).") var maxTailsPerTenant = 256
    @Option(help: "Seconds between keep-alive comments on an idle live tail.") var tailHeartbeat = 15
    @Option(help: "The tenant whose API keys may read /metrics (default: none; the open service shows it).")
    var metricsTenant: String?

    func run() async throws {
        let ledger = try await options.openLedger {
            $0.maxCallsPerTurn = maxCallsPerTurn
            $0.maxIdentifierLength = maxIdLength
        }
        var logger = Logger(label: "turnledger.http", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = min(options.logLevel, .info)
        let open = try await !ledger.hasActiveAPIKeys()
        let configuration = ServerConfiguration(
            host: host, port: port, maxBodyBytes: maxBodyBytes, tailHeartbeatSeconds: tailHeartbeat,
            idleTimeoutSeconds: idleTimeout, headerTimeoutSeconds: headerTimeout, maxConnections: maxConnections, maxTailsPerTenant: maxTailsPerTenant,
            metricsTenant: metricsTenant)
        do {
            let app = try await LedgerServer.application(ledger: ledger, configuration: configuration, logger: logger) {
                bound in
                let note = open ? " (open: no API keys, loopback only)" : ""
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\(note)\n".utf8))
            }
            try await app.runService()
        } catch let error as LedgerServer.StartError {
            throw ValidationError(error.description)
        }
        try ledger.close()
        printError("stopped; database closed")
    }
}
