import Hummingbird
import Logging
import TurnLedger

/// Turns every error into the service's error body with its status.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // No route: a path the service has, asked with another method, is 405 with Allow.
            let allowed = LedgerAPI.methods(for: request.uri.path)
            guard !allowed.isEmpty else { return APIError(error).response() }
            var response = APIError(
                status: .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method) is not a method of this route; it takes \(allowed.joined(separator: ", ")).",
                details: ["allowed": .array(allowed.map { .string($0) })]
            ).response()
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch {
            let reported = APIError(error)
            if reported.status == .internalServerError {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))")
            }
            return reported.response()
        }
    }
}
