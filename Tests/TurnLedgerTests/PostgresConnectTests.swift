import Foundation
import Testing
import TurnLedger

/// A PostgreSQL store that cannot be opened is a typed `postgresFailed` naming why:
/// the server's own refusal with its SQLSTATE, or that no server answers at the address.
@Suite struct PostgresConnectTests {
    @Test func aDatabaseThatDoesNotExistIsNamedWithTheServersRefusal() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = cluster.url("no_such_database")
        do {
            _ = try await Ledger.open(configuration: LedgerConfiguration(path: url))
            Issue.record("opened a database that does not exist")
        } catch LedgerError.postgresFailed(let store, let sqlState, let message) {
            #expect(store.hasSuffix("/no_such_database?host=\(cluster.directory.path)"), "\(store)")
            #expect(sqlState == "3D000")  // invalid_catalog_name
            #expect(message.contains("\"no_such_database\" does not exist"), "\(message)")
        }
    }

    @Test func noServerAtTheAddressIsNamed() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try await Ledger.open(configuration: LedgerConfiguration(path: "postgres://app@/agents?host=\(empty.path)"))
            Issue.record("opened a store with no server")
        } catch LedgerError.postgresFailed(let store, let sqlState, let message) {
            #expect(store == "postgres://app@/agents?host=\(empty.path)")
            #expect(sqlState == nil)
            #expect(message.hasPrefix("cannot connect: "), "\(message)")
            #expect(!message.contains("SELECT") && !message.contains("LISTEN"), "\(message)")
        }
    }
}
