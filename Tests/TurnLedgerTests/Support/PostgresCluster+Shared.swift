import Foundation

/// The cluster `PostgresCluster.shared()` started, stopped when the test process exits.
nonisolated(unsafe) private var clusterToStopAtExit: PostgresCluster?

extension PostgresCluster {
    /// One cluster for the whole test run; each test creates databases of its own in it. It is
    /// started once, on a thread of its own (`initdb` takes seconds, and a blocked thread of the
    /// tests' pool would hold every other test up), and stopped when the process exits.
    static func shared() async throws -> PostgresCluster {
        try await sharedStart.value
    }

    private static let sharedStart = Task<PostgresCluster, any Error> {
        let cluster = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try PostgresCluster() }) }.start()
        }
        clusterToStopAtExit = cluster
        atexit { clusterToStopAtExit?.stop() }
        return cluster
    }
}
