import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One log line per request, with its status and duration; and the request metrics.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let logger: Logger
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)  // ErrorMiddleware, inside, made every error a response
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        metrics.recordRequest(status: response.status.code, seconds: seconds)
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", seconds * 1000)) ms"
        )
        return response
    }
}
