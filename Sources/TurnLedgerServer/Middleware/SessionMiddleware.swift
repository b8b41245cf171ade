import Hummingbird

/// The middleware of the `/v1/sessions/{id}/…` route group: reads the id from the path
/// (percent-decoded), checks once that the caller's tenant has that session (`404` otherwise,
/// never `403`), and hands the id to the route in ``APIContext/sessionID``.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let api: LedgerAPI

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let id = try context.parameters.sessionID
        try await api.authorize(id, context)
        context.sessionID = id
        return try await next(request, context)
    }
}
