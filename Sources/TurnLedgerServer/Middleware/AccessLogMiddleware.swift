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
        let clock = ContinuousClock()
        let start = clock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = APIError(error).response()
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.recordRequest(status: response.status.code, seconds: seconds)
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", seconds * 1000)) ms")
        return response
    }
}
