import Foundation
import Hummingbird
import Logging

/// The request context: who is calling. `tenant` is nil when the service runs open (no API
/// keys, loopback only): the caller then sees every session.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The tenant of the caller's API key.
    public var tenant: String?
    /// The id of the caller's API key, for the audit of purges; nil when open.
    public var keyID: String?
    /// On the routes of one session (`/v1/sessions/{id}/…`): its id, percent-decoded, once
    /// ``SessionMiddleware`` found it in the caller's tenant.
    public var sessionID: String?

    /// Encodes what handlers return (``ResponseEncodable`` values): sorted keys, ISO 8601 dates.
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// ``sessionID``, on a route of the session group.
    func requireSessionID() throws -> String {
        guard let sessionID else {
            throw APIError(status: .internalServerError, code: "internal", message: "A session route outside its group.")
        }
        return sessionID
    }
}
