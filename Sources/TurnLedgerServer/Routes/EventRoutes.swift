import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Synchronization
import TurnLedger

extension LedgerAPI {
    /// `GET /v1/sessions/{id}/events`: the session's committed entries as Server-Sent Events,
    /// then each new one as it lands. Each event is `event: entry`, `id:` its seq, `data:` the
    /// entry as JSON; a turn arrives whole (its entry, then its results). Resume with the
    /// `Last-Event-ID` header (or `?after=SEQ`): the stream goes on after that seq. The stream
    /// ends when the client leaves or the server shuts down.
    func registerEvents(on router: Router<APIContext>) {
        router.get("/v1/sessions/:id/events") { request, context in
            let id = try context.parameters.sessionID
            // Checked in open mode too: a stream is 200 once it starts, so a missing session must
            // be a 404 before it.
            guard try await ledger(context).session(id) != nil else { throw LedgerError.sessionNotFound(id) }
            let header = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.string("after") ?? "0"
            guard let lastSeen = Int(header), lastSeen >= 0 else {
                throw APIError.invalidParameter("Last-Event-ID", "'\(header)' is not a seq")
            }
            let tail = EventTail(ledger: ledger(context), sessionID: id, lastSeen: lastSeen, configuration: configuration)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    let stopping = ShutdownFlag()
                    try await withGracefulShutdownHandler {
                        try await tail.run(until: stopping) { text in try await writer.write(ByteBuffer(string: text)) }
                    } onGracefulShutdown: {
                        stopping.raise()
                    }
                    try await writer.finish(nil)
                })
        }
    }
}

/// Polls a session's log and hands each new entry to `send` as one SSE event.
struct EventTail: Sendable {
    let ledger: Ledger
    let sessionID: String
    let lastSeen: Int
    let configuration: ServerConfiguration

    func run(until stopping: ShutdownFlag, _ send: (String) async throws -> Void) async throws {
        // A turn is committed whole and takes at most maxCallsPerTurn + 1 seqs: reading from that
        // far back finds the turn a resumed stream stopped inside of.
        var after = max(0, lastSeen - ledger.maxCallsPerTurn - 1)
        var sent = lastSeen
        var quietSince = ContinuousClock.now
        let encoder = JSONCoding.encoder
        try await send("retry: 1000\n\n")
        while !Task.isCancelled && !stopping.isRaised {
            let page = try await ledger.entries(in: sessionID, after: after, limit: 100)
            for entry in page.entries where entry.seq > sent {
                let data = String(decoding: try encoder.encode(entry), as: UTF8.self)
                try await send("id: \(entry.seq)\nevent: entry\ndata: \(data)\n\n")
                sent = entry.seq
                quietSince = .now
            }
            if let message = page.entries.last(where: { $0.role != .tool }) { after = message.seq }
            if page.nextAfter != nil { continue }
            if ContinuousClock.now - quietSince > .seconds(configuration.tailHeartbeatSeconds) {
                try await send(": keep-alive\n\n")
                quietSince = .now
            }
            try await Task.sleep(for: .milliseconds(configuration.tailPollMilliseconds))
        }
    }
}

/// Set when the server starts to shut down: live tails end at their next poll.
final class ShutdownFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    var isRaised: Bool { raised.load(ordering: .relaxed) }
    func raise() { raised.store(true, ordering: .relaxed) }
}
