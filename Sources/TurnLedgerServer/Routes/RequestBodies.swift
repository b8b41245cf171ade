import Foundation
import HTTPTypes
import Hummingbird
import TurnLedger

/// Bodies of the write routes. Content is `parts` (the library's content parts) or `content`
/// (a plain text shorthand), never both.
struct CreateSessionBody: Decodable {
    var id: String
    var metadata: [String: JSONValue]?
}

struct AppendBody: ContentBody {
    var role: Role
    var parts: [ContentPart]?
    var content: String?
    var usage: TokenUsage?
}

struct OpenTurnBody: ContentBody {
    var parts: [ContentPart]?
    var content: String?
    var calls: [ToolCall]
    var usage: TokenUsage?
}

struct ResultBody: ContentBody {
    var callId: String
    var outcome: ToolOutcome?
    var parts: [ContentPart]?
    var content: String?
}

/// A commit's optional body: the last result, recorded in the commit's transaction.
struct CommitBody: Decodable {
    var result: ResultBody?
}

struct CancelBody: Decodable {
    var reason: String?
}

struct SummaryBody: ContentBody {
    var from: Int
    var to: Int
    var role: Role?
    var parts: [ContentPart]?
    var content: String?
}

struct RewindBody: Decodable {
    var to: Int
    var discardOpenTurn: Bool?
}

struct ForkBody: Decodable {
    var id: String
    var at: Int
    var metadata: [String: JSONValue]?
}

/// A body whose content is `parts` or `content` (one text part).
protocol ContentBody: Decodable {
    var parts: [ContentPart]? { get }
    var content: String? { get }
}

extension ContentBody {
    /// `parts`, or `content` as one text part, or none; a body with both is refused (422) rather
    /// than one of them silently dropped.
    func contentParts() throws -> [ContentPart] {
        switch (parts, content) {
        case (let parts?, nil): parts
        case (nil, let text?): [.text(text)]
        case (nil, nil): []
        case (.some, .some): throw LedgerError.invalidInput(field: "content", reason: "give parts or content, not both")
        }
    }
}

extension Request {
    /// The body as JSON of `type`, read up to `limit` bytes (`413` past it, `422` when it is not
    /// that JSON).
    func decode<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        guard let value = try decodeIfPresent(type, from: try await collect(limit: limit)) else {
            throw APIError.invalidBody("the body is empty; send a JSON object")
        }
        return value
    }

    /// The body, up to `limit` bytes (`413` past it).
    private func collect(limit: Int) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(
                status: .contentTooLarge, code: "body_too_large",
                message: "The request body is \(length) bytes; the limit is \(limit).",
                details: ["limit": .number(Double(limit))])
        }
        do {
            return try await body.collect(upTo: limit)
        } catch {
            throw APIError(
                status: .contentTooLarge, code: "body_too_large",
                message: "The request body is larger than the limit of \(limit) bytes.",
                details: ["limit": .number(Double(limit))])
        }
    }

    /// The body decoded, or nil when it is empty (a body the route does not need).
    func decodeIfPresent<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T? {
        try decodeIfPresent(type, from: try await collect(limit: limit))
    }

    private func decodeIfPresent<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T? {
        guard buffer.readableBytes > 0 else { return nil }
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONCoding.decoder.decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Foundation says "not valid JSON" also for valid JSON it cannot map (1e30 or 1.5 for
            // an integer): tell the two apart.
            guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
                throw APIError.invalidBody("the body is not valid JSON")
            }
            throw APIError.invalidBody(
                "a number in the body does not fit its field (an integer field takes a whole number of at most 64 bits)"
            )
        } catch let error as DecodingError {
            throw APIError.invalidBody(error.bodyFault)
        }
    }

    /// A query parameter as an integer, nil when absent.
    func integer(_ name: String) throws -> Int? {
        guard let text = uri.queryParameters[name[...]] else { return nil }
        guard let value = Int(text) else { throw APIError.invalidParameter(name, "'\(text)' is not an integer") }
        return value
    }

    func string(_ name: String) -> String? {
        uri.queryParameters[name[...]].map(String.init)
    }

    /// The expected seq of an `If-Match` header, nil when absent: `"5"`, `5` or `W/"5"` (a seq of
    /// 1 to 18 digits, as the OpenAPI pattern says); anything else is 422.
    func expectedSeq() throws -> Int? {
        guard let header = headers[.ifMatch] else { return nil }
        var text = Substring(header)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
        guard (1...18).contains(text.count), text.first != "0", text.allSatisfy({ ("0"..."9").contains($0) }),
            let seq = Int(text)
        else {
            throw APIError.invalidParameter("If-Match", "'\(header)' is not a seq such as \"5\"")
        }
        return seq
    }

    /// The `Idempotency-Key` header; two of them are refused rather than joined into one key.
    var idempotencyKey: String? {
        get throws {
            let values = headers[values: HTTPField.Name("Idempotency-Key")!]
            guard values.count <= 1 else {
                throw APIError.invalidParameter(
                    "Idempotency-Key", "send one Idempotency-Key header, not \(values.count)")
            }
            return values.first
        }
    }

    /// A query parameter that is `true` or `false`; `default` when absent.
    func boolean(_ name: String, default value: Bool) throws -> Bool {
        guard let text = string(name) else { return value }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.invalidParameter(name, "'\(text)' is not true or false")
        }
    }
}
