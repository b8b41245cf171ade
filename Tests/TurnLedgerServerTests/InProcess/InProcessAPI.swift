import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TurnLedger
import TurnLedgerServer

/// The service in process (HummingbirdTesting's router framework: no socket, no child process),
/// over a ledger on a throwaway SQLite file, for tests about JSON shapes and statuses. Its calls
/// mirror ``HTTPClient``'s; the process tests keep what needs a process (signals, SIGKILL,
/// descriptors, timeouts, other processes).
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

    /// A reply, read as ``HTTPClient/Reply`` reads one.
    struct Reply {
        var status: Int
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        private var error: [String: Any]? { object["error"] as? [String: Any] }
        var errorCode: String? { error?["code"] as? String }
        var errorMessage: String? { error?["message"] as? String }
        var errorField: String? { (error?["details"] as? [String: Any])?["field"] as? String }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, _ json: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        if json != nil { fields[.contentType] = "application/json" }
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) })
        return Reply(status: response.status.code, body: Data(response.body.readableBytesView))
    }

    func get(_ uri: String, headers: [String: String] = [:]) async throws -> Reply {
        try await request(.get, uri, headers: headers)
    }

    func post(_ uri: String, _ json: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        try await request(.post, uri, json, headers: headers)
    }

    func delete(_ uri: String) async throws -> Reply {
        try await request(.delete, uri)
    }
}
