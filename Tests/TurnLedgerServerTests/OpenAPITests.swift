import Foundation
import Hummingbird
import Testing
import TurnLedger

@testable import TurnLedgerServer

/// The OpenAPI document matches the server: every route is in it, everything in it is a route,
/// and the server answers each route (never `route_not_found`).
@Suite struct OpenAPITests {
    /// Every route the service's router holds, as `METHOD /path/{id}`.
    static func routerRoutes() throws -> Set<String> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try Ledger(path: directory.appendingPathComponent("l.sqlite").path)
        defer { try? ledger.close() }
        let router = Router(context: APIContext.self)
        LedgerAPI(ledger: ledger, configuration: ServerConfiguration(), metrics: ServiceMetrics(), tails: TailSlots(limit: 1))
            .register(on: router)
        return Set(router.routes.map { "\($0.method) \("\($0.path)".replacingOccurrences(of: ":id", with: "{id}"))" })
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteAnswers() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        let document = try #require(try http.get("/openapi.json").json() as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])

        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        let listed = Set(LedgerAPI.routes.map { "\($0.method) \($0.path)" })
        #expect(documented == listed)
        #expect(try Self.routerRoutes() == documented)  // the router itself, not a list kept by hand

        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        for route in LedgerAPI.routes where route.path != "/v1/sessions/{id}/events" {
            let path = route.path.replacingOccurrences(of: "{id}", with: "s1")
            let reply = try http.request(route.method, path)
            #expect(reply.errorCode != "route_not_found", "\(route.method) \(route.path)")
        }
    }
}
