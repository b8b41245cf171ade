import Foundation
import Hummingbird
import TurnLedger

extension LedgerAPI {
    func registerSessions(on router: Router<APIContext>, session: RouterGroup<APIContext>) {
        router.get("/v1/sessions") { request, context in
            var metadata: [String: JSONValue] = [:]
            for (key, value) in request.uri.queryParameters where key.hasPrefix("meta.") {
                let text = String(value)
                metadata[String(key.dropFirst(5))] =
                    (try? JSONCoding.decoder.decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
            }
            let query = SessionQuery(
                tenant: context.tenant, metadata: metadata,
                activeSince: try date(request, "activeSince"), activeBefore: try date(request, "activeBefore"),
                limit: try request.integer("limit") ?? 50, cursor: request.string("cursor"))
            return try await ledger(context).sessions(matching: query)
        }
        router.post("/v1/sessions") { request, context in
            let body = try await request.decode(CreateSessionBody.self, limit: configuration.maxBodyBytes)
            let session = try await ledger(context).createSession(
                id: body.id, tenant: context.tenant, metadata: body.metadata ?? [:])
            return EditedResponse(status: .created, response: session)
        }
        session.get { _, context in
            let id = try context.requireSessionID()
            guard let session = try await ledger(context).session(id) else { throw LedgerError.sessionNotFound(id) }
            return session
        }
        session.delete { request, context in
            let id = try context.requireSessionID()
            guard let reason = request.string("reason") else {
                throw APIError.invalidParameter("reason", "a purge needs ?reason=")
            }
            let records = try await ledger(context).purge(
                id, reason: reason, requestedBy: context.keyID.map { "api-key:\($0)" } ?? "http (open)",
                includingForks: try request.boolean("includingForks", default: false))
            return records
        }
        session.post("forks") { request, context in
            let id = try context.requireSessionID()
            let body = try await request.decode(ForkBody.self, limit: configuration.maxBodyBytes)
            let fork = try await ledger(context).fork(id, at: body.at, as: body.id, metadata: body.metadata ?? [:])
            return EditedResponse(status: .created, response: fork)
        }
        router.get("/v1/export") { _, context in
            // The snapshot goes to a file first, so a slow client never keeps a read transaction open.
            let url = FileManager.default.temporaryDirectory
                .appendingPathComponent("turnledger-export-\(UUID().uuidString).jsonl")
            try await ledger(context).export(to: url, tenant: context.tenant)
            let handle = try FileHandle(forReadingFrom: url)
            try? FileManager.default.removeItem(at: url)  // the open handle keeps the data
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: ResponseBody { writer in
                    defer { try? handle.close() }
                    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                    try await writer.finish(nil)
                })
        }
    }

    func date(_ request: Request, _ name: String) throws -> Date? {
        guard let text = request.string(name) else { return nil }
        guard let date = RFC3339.date(text) else {
            throw APIError.invalidParameter(name, "'\(text)' is not an RFC 3339 date-time such as 2026-11-30T10:00:00Z")
        }
        return date
    }
}
