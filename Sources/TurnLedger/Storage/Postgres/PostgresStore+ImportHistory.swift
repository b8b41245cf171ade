import Foundation
import PostgresNIO

/// Importing a provider's history on PostgreSQL, in one transaction.
extension PostgresStore {
    /// Writes `steps` after the session's log (creating it in `tenant` when missing) and returns
    /// the entries written and the session.
    func importSteps(
        _ steps: [Ledger.PreparedStep], into sessionID: String, in scope: TenantScope, creatingIn tenant: String?
    ) async throws -> ([Entry], SessionRef) {
        try await write { connection in
            let session: SessionRef
            if let existing = try await optionalSession(connection, scope, sessionID, locking: true) {
                session = existing
            } else {
                guard
                    let key = try await connection.firstRow(
                        """
                        INSERT INTO session (id, tenant, metadata, createdAt)
                        VALUES (\(sessionID), \(tenant), '{}'::json, \(Timestamp.format(Timestamp.now()))) RETURNING key
                        """, logger: logger
                    ).map({ try $0.decode(Int64.self) })
                else { throw LedgerError.sessionNotFound(sessionID) }
                session = SessionRef(key: key, id: sessionID)
            }
            let first = try await nextSeq(connection, in: session)
            for step in steps {
                switch step {
                case .message(let message):
                    _ = try await append(message, to: session, connection)
                case .turn(let parts, let encodedParts, let calls, let results):
                    _ = try await openTurn(in: session, connection, parts: parts, encodedParts: encodedParts, calls: calls)
                    for (call, result) in zip(calls, results) {
                        _ = try await recordResult(
                            result.1, encodedParts: result.2, outcome: result.0, for: call.id, in: session, connection)
                    }
                    guard let staged = try await stagedTurn(connection, in: session) else {
                        throw LedgerError.noOpenTurn(sessionID: sessionID)
                    }
                    _ = try await seal(connection, staged)
                }
            }
            let lineage = try await lineage(connection, of: session)
            return (try await entries(connection, of: lineage).filter { $0.seq >= first }, session)
        }
    }
}
