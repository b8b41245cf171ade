import Foundation
import Logging
import PostgresNIO

/// Hears the commits other processes make to the same PostgreSQL database, so that this
/// process's tails wake at once and not at their next read.
///
/// After each write that adds to a session's log (or purges it), the writing ledger sends
/// `pg_notify('turnledger_log', '<session key> <origin>')` (`'<key> <origin> purged'` for a
/// purge), `origin` naming the ledger that sent it. Every open PostgreSQL ledger listens on that
/// channel on one connection of its own, outside its pool, and hands what it hears from other
/// ledgers to `heard` (its own commits woke its tails already). A notification sent while the connection is being made again
/// (it is, a second after it breaks) is missed; the tail then finds the rows at its next read
/// (``PostgresStore/tailPollInterval``).
final class PostgresCommitListener: Sendable {
    static let channel = "turnledger_log"

    /// This ledger's name in the notifications it sends.
    private let origin = String(UUID().uuidString.prefix(8))
    private let task: Task<Void, Never>

    /// Starts listening; returns once the first `LISTEN` took effect, so that no commit made after
    /// the ledger opened goes unheard.
    ///
    /// - Throws: what made the first connection fail (the server's refusal: no such database, a
    ///   wrong password; or no server at the address), as the ledger's error. The listener is
    ///   stopped then.
    static func start(
        _ location: PostgresLocation, logger: Logger, heard: @escaping @Sendable (_ key: Int64, _ purged: Bool) -> Void
    ) async throws -> PostgresCommitListener {
        let (outcome, ready) = AsyncStream<(any Error)?>.makeStream()
        let listener = PostgresCommitListener(location, logger: logger, ready: ready, heard: heard)
        for await failure in outcome {
            if let failure {
                listener.stop()
                throw PostgresStore.connectionFailure(failure, at: location)
            }
        }
        return listener
    }

    private init(
        _ location: PostgresLocation, logger: Logger, ready: AsyncStream<(any Error)?>.Continuation,
        heard: @escaping @Sendable (Int64, Bool) -> Void
    ) {
        let origin = origin
        task = Task {
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(
                        configuration: try location.connectionConfiguration(), id: 0, logger: logger)
                    do {
                        try await connection.listen(on: Self.channel) { notifications in
                            ready.finish()
                            for try await notification in notifications {
                                if let (key, purged) = Self.parse(notification.payload, notFrom: origin) {
                                    heard(key, purged)
                                }
                            }
                        }
                    } catch {
                        logger.debug("commit listener stopped", metadata: ["error": "\(String(reflecting: error))"])
                    }
                    try? await connection.close()
                } catch {
                    logger.debug("commit listener cannot connect", metadata: ["error": "\(String(reflecting: error))"])
                    ready.yield(error)  // heard by start() on the first try only
                }
                ready.finish()
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The payload this ledger sends for a commit.
    func payload(_ key: Int64, purged: Bool) -> String {
        purged ? "\(key) \(origin) purged" : "\(key) \(origin)"
    }

    /// The session key and whether it was purged; nil for a notification `origin` sent, or one
    /// that is not a ledger's.
    private static func parse(_ payload: String, notFrom origin: String) -> (Int64, Bool)? {
        let words = payload.split(separator: " ")
        guard words.count >= 2, let key = Int64(words[0]), words[1] != origin else { return nil }
        return (key, words.count > 2 && words[2] == "purged")
    }

    func stop() {
        task.cancel()
    }
}
