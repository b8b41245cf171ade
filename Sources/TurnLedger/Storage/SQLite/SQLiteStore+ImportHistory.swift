import Foundation
import GRDB

/// Importing a provider's history on SQLite, in one transaction.
extension SQLiteStore {
    func importSteps(
        _ steps: [Ledger.PreparedStep], into sessionID: String, in scope: TenantScope, creatingIn tenant: String?
    ) async throws -> ([Entry], SessionRef) {
        try await write { db in
            let session: SessionRef
            if let existing = try scope.optionalSession(db, sessionID) {
                session = existing
            } else {
                var record = SessionRecord(
                    id: sessionID, tenant: tenant, metadata: "{}",
                    createdAt: Timestamp.now())
                try record.insert(db)
                session = try record.ref
            }
            let first = try Self.nextSeq(db, in: session)
            for step in steps {
                try Self.write(db, step, to: session)
            }
            return (try Self.entries(db, in: session).filter { $0.seq >= first }, session)
        }
    }

    private static func write(_ db: Database, _ step: Ledger.PreparedStep, to session: SessionRef) throws {
        switch step {
        case .message(let message):
            _ = try append(db, message, to: session)
        case .turn(let parts, let encodedParts, let calls, let results):
            _ = try openTurn(db, in: session, parts: parts, encodedParts: encodedParts, calls: calls)
            for (call, result) in zip(calls, results) {
                _ = try recordResult(
                    db, result.1, encodedParts: result.2, outcome: result.0, for: call.id, in: session)
            }
            _ = try seal(db, try requireOpenTurn(db, in: session))
        }
    }
}
