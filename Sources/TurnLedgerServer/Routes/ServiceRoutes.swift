import Hummingbird
import TurnLedger

extension LedgerAPI {
    func registerService(on router: Router<APIContext>) {
        router.get("/healthz") { _, _ in
            ["status": "ok"]
        }
        router.head("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"])
        }
        router.get("/metrics") { _, context in
            // Figures of the whole service: not for every tenant's key.
            if let tenant = context.tenant, tenant != configuration.metricsTenant {
                throw APIError(status: .notFound, code: "route_not_found", message: "No such route.")
            }
            let openTurns = try await ledger.openTurns().count
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render(openTurns: openTurns))))
        }
        router.get("/openapi.json") { _, _ in
            Response.json(OpenAPIDocument.json)
        }
    }
}
