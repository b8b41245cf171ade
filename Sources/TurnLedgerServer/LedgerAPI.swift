import Foundation
import Hummingbird
import TurnLedger

/// The routes of the service over one ledger. Handlers hold no SQL: each is one library call on
/// the ledger scoped to the caller's tenant; the routes of one session are a group whose
/// middleware (``SessionMiddleware``) reads the id and checks the tenant once.
struct LedgerAPI: Sendable {
    let ledger: Ledger
    let configuration: ServerConfiguration
    let metrics: ServiceMetrics
    let tails: TailSlots

    /// Every route, as the OpenAPI document lists it (a test checks both ways).
    static let routes: [(method: String, path: String)] = [
        ("GET", "/healthz"), ("HEAD", "/healthz"), ("GET", "/metrics"), ("GET", "/openapi.json"),
        ("GET", "/v1/sessions"), ("POST", "/v1/sessions"),
        ("GET", "/v1/sessions/{id}"), ("DELETE", "/v1/sessions/{id}"),
        ("GET", "/v1/sessions/{id}/entries"), ("POST", "/v1/sessions/{id}/entries"),
        ("GET", "/v1/sessions/{id}/events"), ("GET", "/v1/sessions/{id}/context"),
        ("GET", "/v1/sessions/{id}/turn"), ("POST", "/v1/sessions/{id}/turn"),
        ("POST", "/v1/sessions/{id}/turn/results"), ("POST", "/v1/sessions/{id}/turn/commit"),
        ("POST", "/v1/sessions/{id}/turn/cancel"), ("POST", "/v1/sessions/{id}/recover"),
        ("POST", "/v1/sessions/{id}/forks"), ("POST", "/v1/sessions/{id}/summaries"),
        ("POST", "/v1/sessions/{id}/rewind"),
        ("GET", "/v1/search"), ("GET", "/v1/tools/stats"), ("GET", "/v1/usage"), ("GET", "/v1/export"),
    ]

    /// The methods of the routes whose template matches `path` (`{id}`: any one segment).
    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return routes.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return template.count == segments.count
                && zip(template, segments).allSatisfy { $0 == "{id}" ? !$1.isEmpty : $0 == $1 }
        }.map(\.method)
    }

    func register(on router: Router<APIContext>) {
        registerService(on: router)
        // The routes of one session: their middleware reads the id and checks the tenant once.
        let session = router.group("/v1/sessions/:id").add(middleware: SessionMiddleware(api: self))
        registerSessions(on: router, session: session)
        registerTurns(on: router, session: session)
        registerHistory(on: router, session: session)
        registerEvents(on: router, session: session)
    }

    /// The ledger as the caller sees it: scoped to the tenant of its API key, where a session id
    /// names that tenant's session and no other tenant's session exists; the whole store when
    /// the service runs open.
    func ledger(_ context: APIContext) -> Ledger {
        context.tenant.map { ledger.scoped(to: .tenant($0)) } ?? ledger
    }

    /// Throws `404 session_not_found` unless the caller's ledger has the session: its own
    /// tenant's, or any when the service runs open. Another tenant's session is never `403`.
    func authorize(_ id: String, _ context: APIContext) async throws {
        guard context.tenant != nil else { return }  // open: each call names what it cannot find
        guard try await ledger(context).session(id) != nil else { throw LedgerError.sessionNotFound(id) }
    }
}

extension Response {
    /// A response whose body is JSON text already made (a rendered context, the OpenAPI
    /// document, an error), with the content type of the values handlers return.
    static func json(_ bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Parameters {
    /// The session id of a `/v1/sessions/{id}` route, percent-decoded: the router matches the
    /// path as sent, so `%D1%81…` is `с…`, `%2F` a `/` inside the id, and `+` stays a plus.
    var sessionID: String {
        get throws {
            let raw = try require("id")
            guard let id = raw.removingPercentEncoding else {
                throw APIError.invalidParameter("id", "'\(raw)' is not valid percent-encoded UTF-8")
            }
            return id
        }
    }
}
