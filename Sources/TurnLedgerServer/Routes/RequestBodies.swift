import Foundation
import HTTPTypes
import Hummingbird
import TurnLedger

/// Bodies of the write routes. Content is `parts` (the library's content parts) or `content`
/// (a plain text shorthand).
struct CreateSessionBody: Decodable {
    var id: String
    var metadata: [String: JSONValue]?
}

struct AppendBody: Decodable {
    var role: Role
    var parts: [ContentPart]?
    var content: String?
    var usage: TokenUsage?
}

struct OpenTurnBody: Decodable {
    var parts: [ContentPart]?
    var content: String?
    var calls: [ToolCall]
    var usage: TokenUsage?
}

struct ResultBody: Decodable {
    var callId: String
    var outcome: ToolOutcome?
    var parts: [ContentPart]?
    var content: String?
}

struct CancelBody: Decodable {
    var reason: String?
}

struct SummaryBody: Decodable {
    var from: Int
    var to: Int
    var role: Role?
    var parts: [ContentPart]?
    var content: String?
}

struct ForkBody: Decodable {
    var id: String
    var at: Int
    var metadata: [String: JSONValue]?
}

/// The content of a body: `parts`, else `content` as one text part, else none.
func content(parts: [ContentPart]?, text: String?) -> [ContentPart] {
    parts ?? text.map { [.text($0)] } ?? []
}

extension Request {
    /// The body as JSON of `type`, read up to `limit` bytes (`413` past it, `422` when it is not
    /// that JSON).
    func decode<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(
                status: .contentTooLarge, code: "body_too_large",
                message: "The request body is \(length) bytes; the limit is \(limit).",
                details: ["limit": .number(Double(limit))])
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch {
            throw APIError(
                status: .contentTooLarge, code: "body_too_large",
                message: "The request body is larger than the limit of \(limit) bytes.",
                details: ["limit": .number(Double(limit))])
        }
        guard buffer.readableBytes > 0 else { throw APIError.invalidBody("the body is empty; send a JSON object") }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(buffer.readableBytesView))
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

    /// The expected seq of an `If-Match` header (`"5"` or `5`), nil when absent.
    func expectedSeq() throws -> Int? {
        guard let header = headers[.ifMatch] else { return nil }
        let text = header.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))
        guard let seq = Int(text) else {
            throw APIError.invalidParameter("If-Match", "'\(header)' is not a seq such as \"5\"")
        }
        return seq
    }

    var idempotencyKey: String? {
        headers[HTTPField.Name("Idempotency-Key")!]
    }
}
