@testable import TurnLedger

extension Ledger {
    /// Waits until this SQLite ledger's write pipeline holds `queued` writes (queued or running):
    /// tests wait on it instead of on the clock. Gives up after 30 s.
    func waitUntilPipeline(queued: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while await sqlite!.pipeline.queuedCount < queued {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
