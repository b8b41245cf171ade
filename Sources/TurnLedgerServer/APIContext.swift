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

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
