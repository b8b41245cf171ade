import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TurnLedger
import TurnLedgerServer

/// The service in process (HummingbirdTesting's router framework: no socket, no child process),
/// over a ledger on a throwaway SQLite file, for tests about JSON shapes and statuses.
struct InProcessAPI {
    let client: any TestClientProtocol

    /// Runs `body` against a fresh service in open mode; the file is removed afterwards.
    static func with<Value: Sendable>(
        configuration: ServerConfiguration = ServerConfiguration(),
        _ body: @Sendable (InProcessAPI) async throws -> Value
    ) async throws -> Value {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("in-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try Ledger(path: directory.appendingPathComponent("ledger.sqlite").path)
        defer { try? ledger.close() }
        var logger = Logger(label: "in-process")
        logger.logLevel = .critical
        let app = try await LedgerServer.application(ledger: ledger, configuration: configuration, logger: logger)
        return try await app.test(.router) { client in try await body(InProcessAPI(client: client)) }
    }

    /// A reply: its status, and its body as JSON when it is JSON.
    struct Reply {
        var status: Int
        var body: Data

        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
        var errorField: String? { ((object["error"] as? [String: Any])?["details"] as? [String: Any])?["field"] as? String }
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
}
