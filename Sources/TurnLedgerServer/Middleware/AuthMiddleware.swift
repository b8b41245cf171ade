import Hummingbird
import TurnLedger

/// Maps a bearer API key to its tenant. With no active key in the store the service runs open
/// (it starts so only on a loopback address); once a key exists, every request needs one.
/// `/healthz` and `/openapi.json` are always open.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let ledger: Ledger

    static let openPaths: Set<String> = ["/healthz", "/openapi.json"]

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        var context = context
        if let header = request.headers[.authorization] {
            // The scheme is case-insensitive (RFC 9110, 11.1).
            guard header.prefix(7).lowercased() == "bearer ",
                let key = try await ledger.apiKey(forSecret: String(header.dropFirst(7)))
            else {
                throw APIError(status: .unauthorized, code: "unauthorized", message: "The API key is not valid.")
            }
            context.tenant = key.tenant
            context.keyID = key.id
        } else if try await ledger.hasActiveAPIKeys() {
            throw APIError(
                status: .unauthorized, code: "unauthorized",
                message: "An API key is required: send Authorization: Bearer <key>.")
        }
        return try await next(request, context)
    }
}
