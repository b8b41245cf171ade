import Foundation
import GRDB

extension SQLiteStore {
    func fork(
        _ sessionID: String, in scope: TenantScope, at seq: Int, as newID: String, metadata: String, createdAt: Date
    ) async throws -> SessionRecord {
        try await write { db in
            let parentRef = try scope.session(db, sessionID)
            try Self.requireWholeTurns(db, try Lineage.of(db, parentRef), at: seq)
            let parent = try SessionRecord.fetch(db, parentRef)
            var record = SessionRecord(
                id: newID, tenant: parent.tenant, metadata: metadata, createdAt: createdAt, parent: parentRef,
                parentSeq: seq)
            try record.insert(db)
            return record
        }
    }
}
