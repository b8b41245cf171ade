import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import TurnLedger

extension LedgerAPI {
    /// `GET /v1/sessions/{id}/events`: the session's committed entries as Server-Sent Events,
    /// then each new one as it is committed (the library's ``LogTail``: woken by the writer, never
    /// polling). Each event is `event: entry`, `id:` its seq, `data:` the entry as JSON; a turn
    /// arrives whole (its entry, then its results). Resume with the `Last-Event-ID` header (or
    /// `?after=SEQ`): the stream goes on after that seq; `?from=now` starts after the last
    /// committed seq. A purge of the session sends `event: purged` and ends the stream; so do the
    /// client leaving and the server shutting down.
    func registerEvents(on router: Router<APIContext>, session: RouterGroup<APIContext>) {
        session.get("events") { request, context in
            let id = try context.requireSessionID()
            let ledger = ledger(context)
            // Each is checked even when another wins: a reconnecting browser sends Last-Event-ID
            // with the URL it first used, so the header goes before ?after.
            let lastEventID = try request.lastEventID()
            let afterParameter = try request.integer("after")
            if let afterParameter, afterParameter < 0 {
                throw APIError.invalidParameter("after", "must be 0 or more, not \(afterParameter)")
            }
            let after: Int
            if let from = request.string("from") {
                guard from == "now" else { throw APIError.invalidParameter("from", "'\(from)' is not now") }
                after = try await ledger.nextSeq(in: id) - 1
            } else {
                after = lastEventID ?? afterParameter ?? 0
            }
            let slot = try tails.take(for: context.tenant)
            let tail: LogTail
            do {
                // Resolved before the stream starts: a missing session is a 404, in open mode too.
                tail = try await ledger.tail(id, after: after, heartbeat: .seconds(configuration.tailHeartbeatSeconds))
            } catch {
                slot.release()
                throw error
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    defer {
                        tail.stop()  // a client that left costs nothing after it goes
                        slot.release()
                    }
                    try await withGracefulShutdownHandler {
                        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                        for try await event in tail {
                            try await writer.write(ByteBuffer(string: try Self.text(of: event, in: id)))
                        }
                    } onGracefulShutdown: {
                        tail.stop()
                    }
                    try await writer.finish(nil)
                })
        }
    }

    /// One Server-Sent Event.
    private static func text(of event: TailEvent, in sessionID: String) throws -> String {
        switch event {
        case .entry(let entry):
            let data = String(decoding: try JSONCoding.encoder.encode(entry), as: UTF8.self)
            return "id: \(entry.seq)\nevent: entry\ndata: \(data)\n\n"
        case .quiet:
            return ": keep-alive\n\n"
        case .purged:
            let data = String(decoding: try JSONCoding.encoder.encode(["sessionId": sessionID]), as: UTF8.self)
            return "event: purged\ndata: \(data)\n\n"
        }
    }
}

extension Request {
    /// The seq of a `Last-Event-ID` header, nil when absent.
    fileprivate func lastEventID() throws -> Int? {
        guard let header = headers[HTTPField.Name("Last-Event-ID")!] else { return nil }
        guard let seq = Int(header), seq >= 0 else {
            throw APIError.invalidParameter("Last-Event-ID", "'\(header)' is not a seq")
        }
        return seq
    }
}
