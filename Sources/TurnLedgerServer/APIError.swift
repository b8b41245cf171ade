import Foundation
import HTTPTypes
import Hummingbird
import TurnLedger

/// The one error body of the service: `{"error": {"code", "message", "details"}}`.
struct APIError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var details: [String: JSONValue] = [:]

    struct Body: Encodable {
        struct Content: Encodable {
            var code: String
            var message: String
            var details: [String: JSONValue]
        }
        var error: Content
    }

    func response() -> Response {
        let body = Body(error: .init(code: code, message: message, details: details))
        var response = Response.json((try? JSONCoding.encoder.encode(body)) ?? Data(), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if status == .serviceUnavailable { response.headers[.retryAfter] = "1" }  // the lock holder's write is short
        return response
    }
}

extension APIError {
    static func invalidBody(_ reason: String) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid_body", message: "Invalid request body: \(reason).")
    }

    static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        APIError(
            status: .unprocessableContent, code: "invalid_input", message: "Invalid \(name): \(reason).",
            details: ["field": .string(name)])
    }

    /// Any error a handler throws, as the service reports it.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as LedgerError:
            self.init(ledger: error)
        case let error as DecodingError:
            self = .invalidBody(error.bodyFault)
        case let error as HTTPError:
            self.init(http: error)
        default:
            // Its description may quote SQL or paths: the log has it (ErrorMiddleware), the client not.
            self.init(status: .internalServerError, code: "internal", message: "The server failed; its log names the cause.")
        }
    }

    private init(http error: HTTPError) {
        switch error.status {
        case .notFound:
            self.init(status: .notFound, code: "route_not_found", message: "No such route.")
        case .contentTooLarge:
            self.init(status: .contentTooLarge, code: "body_too_large", message: "The request body is too large.")
        default:
            self.init(
                status: error.status,
                code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                message: error.body ?? error.status.reasonPhrase)
        }
    }

    private init(ledger error: LedgerError) {
        let status: HTTPResponse.Status
        var details: [String: JSONValue] = [:]
        switch error {
        case .sessionNotFound(let id):
            status = .notFound
            details = ["sessionId": .string(id)]
        case .unknownCall(let id, let callID):
            status = .notFound
            details = ["sessionId": .string(id), "callId": .string(callID)]
        case .sessionAlreadyExists(let id):
            status = .conflict
            details = ["sessionId": .string(id)]
        case .sessionIDAmbiguous(let id, let tenants):
            status = .conflict
            details = ["sessionId": .string(id), "tenants": .array(tenants.map { $0.map(JSONValue.string) ?? .null })]
        case .seqConflict(let id, let expected, let next):
            status = .conflict
            details = ["sessionId": .string(id), "expected": .number(Double(expected)), "next": .number(Double(next))]
        case .openTurnPending(let id, let seq, let callIDs):
            status = .conflict
            details = ["sessionId": .string(id), "seq": .number(Double(seq)), "unansweredCallIds": .strings(callIDs)]
        case .noOpenTurn(let id):
            status = .conflict
            details = ["sessionId": .string(id)]
        case .unansweredCalls(let id, let callIDs):
            status = .conflict
            details = ["sessionId": .string(id), "unansweredCallIds": .strings(callIDs)]
        case .duplicateResult(let id, let callID):
            status = .conflict
            details = ["sessionId": .string(id), "callId": .string(callID)]
        case .idempotencyKeyReused(let id, let key):
            status = .conflict
            details = ["sessionId": .string(id), "idempotencyKey": .string(key)]
        case .sessionHasForks(let id, let forks):
            status = .conflict
            details = ["sessionId": .string(id), "forkIds": .strings(forks)]
        case .invalidInput(let field, _):
            status = .unprocessableContent
            details = ["field": .string(field)]
        case .seqInsideTurn(let id, let seq, let turn):
            status = .unprocessableContent
            details = [
                "sessionId": .string(id), "seq": .number(Double(seq)),
                "turn": .array([.number(Double(turn.lowerBound)), .number(Double(turn.upperBound))]),
            ]
        case .historyRejected(let position, _, let callIDs):
            status = .unprocessableContent
            details = ["position": .string(position), "unansweredCallIds": .strings(callIDs)]
        case .exportRejected(let line, _):
            status = .unprocessableContent
            details = ["line": .number(Double(line))]
        case .contextBudgetTooSmall(let maxTokens, let needed):
            status = .unprocessableContent
            details = ["maxTokens": .number(Double(maxTokens)), "needed": .number(Double(needed))]
        case .storeBusy(let waited):
            status = .serviceUnavailable
            details = ["waitedSeconds": .number(waited / .seconds(1))]
        case .storageFull:
            status = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .contextRuleViolated, .databaseTooNew, .migrationChanged, .storageFailed, .postgresFailed:
            status = .internalServerError
        }
        self.init(status: status, code: error.code, message: error.description, details: details)
    }
}

extension DecodingError {
    /// The field of the request body at fault and what is wrong with it, in one line.
    var bodyFault: String { "\(fieldPath(root: "the body")) \(reason)" }
}

extension JSONValue {
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}

/// The service's JSON: sorted keys, ISO 8601 dates.
enum JSONCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
