import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One agent client of the scale-out run: the agent loop over HTTP on its own session, with an
/// expected seq and an idempotency key on every write, so that when its service dies it sends
/// the same write to another one and nothing is lost or written twice.
struct ScaleOutAgent: Sendable {
    let client: HTTPClient
    let services: [String]
    /// The service it prefers; it moves on to the next when that one fails.
    let home: Int
    let session: String
    let calls: Int

    /// A write the agent saw acknowledged: what the store must hold at `seq`.
    struct Ack: Sendable {
        enum Kind: Sendable { case user(String), turn(callIDs: [String]), result(callID: String) }
        var seq: Int
        var kind: Kind
    }

    struct Outcome: Sendable {
        var acks: [Ack] = []
        var latencies: [Double] = []
        var failovers = 0
        /// The agent was stopped (it ran beside the service that was killed).
        var stopped = false
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `turns` turns, or until `stop()` says so before a request.
    func run(turns: Int, stop: @Sendable () async -> Bool) async throws -> Outcome {
        var outcome = Outcome()
        func send(_ method: HTTPMethod, _ path: String, _ body: String?, headers: [(String, String)] = [], created: Bool = false)
            async throws -> Data?
        {
            if await stop() { return nil }
            let started = ContinuousClock.now
            for attempt in 0..<200 {
                let base = services[(home + attempt) % services.count]
                var request = HTTPClientRequest(url: base + path)
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let body {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                }
                do {
                    let response = try await client.execute(request, timeout: .seconds(30))
                    let bytes = try await response.body.collect(upTo: 64 << 20)
                    let status = Int(response.status.code)
                    if (200..<300).contains(status) || (created && attempt > 0 && status == 409) {
                        outcome.latencies.append((ContinuousClock.now - started).seconds)
                        return Data(bytes.readableBytesView)
                    }
                    guard status >= 500 else {
                        throw Failure(description: "\(method) \(path): \(status) \(String(buffer: bytes))")
                    }
                } catch let failure as Failure {
                    throw failure
                } catch {
                    // The service is gone (killed, restarting): the same write goes to the next one.
                }
                outcome.failovers += 1
                try await Task.sleep(for: .milliseconds(20))
            }
            throw Failure(description: "\(method) \(path): no service answered")
        }
        func seq(of body: Data?) throws -> Int {
            guard let body, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
                let seq = object["seq"] as? Int
            else { throw Failure(description: "a write's answer holds no seq") }
            return seq
        }

        guard try await send(.POST, "/v1/sessions", #"{"id":"\#(session)"}"#, created: true) != nil else {
            outcome.stopped = true
            return outcome
        }
        var next = 1
        for turn in 0..<turns {
            let text = "\(session) turn \(turn): check both."
            guard
                let said = try await send(
                    .POST, "/v1/sessions/\(session)/entries", #"{"role":"user","content":"\#(text)"}"#,
                    headers: [("If-Match", "\"\(next)\""), ("Idempotency-Key", "\(session)-u\(turn)")])
            else { break }
            outcome.acks.append(Ack(seq: try seq(of: said), kind: .user(text)))
            next += 1
            let ids = (0..<calls).map { "call_\(turn)_\($0)" }
            let callList = ids.enumerated().map { #"{"id":"\#($1)","name":"fetch","arguments":"{\"n\":\#($0)}"}"# }
            guard
                let opened = try await send(
                    .POST, "/v1/sessions/\(session)/turn",
                    #"{"content":"Checking.","calls":[\#(callList.joined(separator: ","))]}"#,
                    headers: [("If-Match", "\"\(next)\""), ("Idempotency-Key", "\(session)-t\(turn)")])
            else { break }
            let turnSeq = try seq(of: opened)
            outcome.acks.append(Ack(seq: turnSeq, kind: .turn(callIDs: ids)))
            var answered = true
            for (position, id) in ids.enumerated() {
                guard
                    try await send(
                        .POST, "/v1/sessions/\(session)/turn/results", #"{"callId":"\#(id)","content":"result \#(id)"}"#)
                        != nil
                else {
                    answered = false
                    break
                }
                outcome.acks.append(Ack(seq: turnSeq + 1 + position, kind: .result(callID: id)))
            }
            guard answered,
                try await send(.POST, "/v1/sessions/\(session)/turn/commit", nil, headers: [("If-Match", "\"\(turnSeq)\"")])
                    != nil
            else { break }
            next = turnSeq + calls + 1
            guard try await send(.GET, "/v1/sessions/\(session)/context?format=openai-chat", nil) != nil else { break }
        }
        outcome.stopped = await stop()
        return outcome
    }
}
