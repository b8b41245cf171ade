import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One agent client of the load run: it does the agent loop over HTTP on its own session, each
/// request awaited before the next, as an agent service in another language would.
struct LoadAgent {
    let client: HTTPClient
    let base: String
    let key: String?
    let session: String
    let calls: Int

    /// What one request cost, and whether it wrote.
    struct Sample {
        var seconds: Double
        var isWrite: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Creates the session, then runs `turns` turns: a user message, an assistant turn with
    /// `calls` calls (expected seq and idempotency key), their results, the commit, the context.
    func run(turns: Int) async throws -> [Sample] {
        var samples: [Sample] = []
        func send(_ method: HTTPMethod, _ path: String, _ body: String?, headers: [(String, String)] = []) async throws {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
            }
            let started = ContinuousClock.now
            let response = try await client.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let took = ContinuousClock.now - started
            guard (200..<300).contains(Int(response.status.code)) else {
                throw Failure(description: "\(method) \(path): \(response.status.code) \(String(buffer: bytes))")
            }
            samples.append(Sample(seconds: took.seconds, isWrite: method != .GET))
        }
        try await send(.POST, "/v1/sessions", #"{"id":"\#(session)"}"#)
        var seq = 1
        for turn in 0..<turns {
            try await send(.POST, "/v1/sessions/\(session)/entries", #"{"role":"user","content":"Turn \#(turn): check both."}"#)
            seq += 1
            let callList = (0..<calls).map { #"{"id":"call_\#(turn)_\#($0)","name":"fetch","arguments":"{\"n\":\#($0)}"}"# }
            try await send(
                .POST, "/v1/sessions/\(session)/turn", #"{"content":"Checking.","calls":[\#(callList.joined(separator: ","))]}"#,
                headers: [("If-Match", "\"\(seq)\""), ("Idempotency-Key", "\(session)-\(turn)")])
            for call in 0..<calls {
                try await send(
                    .POST, "/v1/sessions/\(session)/turn/results",
                    #"{"callId":"call_\#(turn)_\#(call)","content":"result \#(call) of turn \#(turn)"}"#)
            }
            try await send(.POST, "/v1/sessions/\(session)/turn/commit", nil)
            seq += calls + 1
            try await send(.GET, "/v1/sessions/\(session)/context?format=openai-chat", nil)
        }
        return samples
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
