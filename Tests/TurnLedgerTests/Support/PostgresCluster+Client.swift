import Foundation
import Logging
import PostgresNIO

@testable import TurnLedger

extension PostgresCluster {
    /// The URL of `database` on this cluster, over its Unix socket, as a user would write it.
    func url(_ database: String) -> String {
        "postgres://postgres@/\(database)?host=\(directory.path)"
    }

    /// Runs `body` with a postgres-nio client of `database`, running for as long as `body` does.
    func withClient<T: Sendable>(_ database: String, _ body: @Sendable (PostgresClient) async throws -> T)
        async throws -> T
    {
        let location = try PostgresLocation(url: url(database))
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
