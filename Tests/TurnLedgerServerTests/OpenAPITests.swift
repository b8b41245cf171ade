import Foundation
import Testing

@testable import TurnLedgerServer

/// The OpenAPI document matches the server: every route is in it, everything in it is a route,
/// and the server answers each route (never `route_not_found`).
@Suite struct OpenAPITests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteAnswers() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        let document = try #require(try http.get("/openapi.json").json() as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])

        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        let served = Set(LedgerAPI.routes.map { "\($0.method) \($0.path)" })
        #expect(documented == served)

        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        for route in LedgerAPI.routes where route.path != "/v1/sessions/{id}/events" {
            let path = route.path.replacingOccurrences(of: "{id}", with: "s1")
            let reply = try http.request(route.method, path)
            #expect(reply.errorCode != "route_not_found", "\(route.method) \(route.path)")
        }
    }
}
