import Foundation

/// The cluster `PostgresCluster.shared()` started, stopped when the test process exits.
nonisolated(unsafe) private var clusterToStopAtExit: PostgresCluster?

extension PostgresCluster {
    /// One cluster for the whole test run; each test creates databases of its own in it.
    ///
    /// When `TURNLEDGER_TEST_POSTGRES` names the socket directory of a running server (`.ci/run`
    /// starts one), the tests use it. Otherwise a cluster is started once, on a thread of its own
    /// (`initdb` takes seconds, and a blocked thread of the tests' pool would hold every other test
    /// up), and stopped when the process exits.
    static func shared() async throws -> PostgresCluster {
        try await sharedStart.value
    }

    private static let sharedStart = Task<PostgresCluster, any Error> {
        if let socketDirectory = ProcessInfo.processInfo.environment["TURNLEDGER_TEST_POSTGRES"] {
            return try PostgresCluster(attachingTo: URL(fileURLWithPath: socketDirectory))
        }
        let cluster = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try PostgresCluster() }) }.start()
        }
        clusterToStopAtExit = cluster
        atexit { clusterToStopAtExit?.stop() }
        return cluster
    }
}
