import Hummingbird
import TurnLedger

extension LedgerAPI {
    func registerService(on router: Router<APIContext>) {
        router.get("/healthz") { _, _ in
            try json(["status": "ok"])
        }
        router.head("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"])
        }
        router.get("/metrics") { _, _ in
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
