import Logging
import PostgresNIO

extension PostgresClient {
    /// One transaction on a pooled connection: committed when `body` returns, rolled back when it
    /// throws. Unlike `withTransaction`, which wraps every failure in `PostgresTransactionError`,
    /// it throws what went wrong itself: `body`'s own error (a ``LedgerError``), or the error of
    /// `BEGIN` or `COMMIT` (a deferred constraint fails at `COMMIT`).
    func transaction<Result>(
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }
}
