import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TurnLedger
import TurnLedgerServer

/// The service in process (HummingbirdTesting's router framework: no socket, no child process),
/// over a ledger on a throwaway SQLite file, for tests about JSON shapes and statuses. Its calls
/// mirror ``HTTPClient``'s and return its ``HTTPClient/Reply``; the process tests keep what needs
/// a process (signals, SIGKILL, descriptors, timeouts, other processes).
struct InProcessAPI: Sendable {
    let client: any TestClientProtocol
    /// The ledger the service runs on, for checks beside the API (`verify`).
    let ledger: Ledger

    /// Runs `body` against a fresh service in open mode; the file is removed afterwards.
    static func with<Value: Sendable>(
        configuration: ServerConfiguration = ServerConfiguration(),
        maxIdentifierLength: Int = 512,
        maxCallsPerTurn: Int = 256,
        _ body: @Sendable (InProcessAPI) async throws -> Value
    ) async throws -> Value {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("in-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try Ledger(
            configuration: LedgerConfiguration(
                path: directory.appendingPathComponent("ledger.sqlite").path,
                maxIdentifierLength: maxIdentifierLength, maxCallsPerTurn: maxCallsPerTurn))
        defer { try? ledger.close() }
        var logger = Logger(label: "in-process")
        logger.logLevel = .critical
        let app = try await LedgerServer.application(ledger: ledger, configuration: configuration, logger: logger)
        return try await app.test(.router) { client in try await body(InProcessAPI(client: client, ledger: ledger)) }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, _ json: String? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPClient.Reply {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        if json != nil { fields[.contentType] = "application/json" }
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) })
        var replyHeaders: [String: String] = [:]
        for field in response.headers { replyHeaders[field.name.canonicalName] = field.value }  // lowercased, as HTTPClient's
        return HTTPClient.Reply(
            status: response.status.code, headers: replyHeaders, body: Data(response.body.readableBytesView))
    }

    func get(_ uri: String, headers: [String: String] = [:]) async throws -> HTTPClient.Reply {
        try await request(.get, uri, headers: headers)
    }

    func post(_ uri: String, _ json: String? = nil, headers: [String: String] = [:]) async throws -> HTTPClient.Reply {
        try await request(.post, uri, json, headers: headers)
    }

    func delete(_ uri: String) async throws -> HTTPClient.Reply {
        try await request(.delete, uri)
    }
}
