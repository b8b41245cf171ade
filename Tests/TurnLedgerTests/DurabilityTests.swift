import Foundation
import Testing
import TurnLedger

/// What each durability level promises after a process crash: no acknowledged write is lost.
/// (After a power loss `.processCrash` may lose the last commits, never tear one; `.powerLoss`
/// loses none. A power cut cannot be made here: that half rests on SQLite's WAL contract, and
/// `ConfigurationTests` checks the `synchronous` level each one sets.)
@Suite struct DurabilityTests {
    @Test(arguments: LedgerConfiguration.Durability.allCases)
    func everyAcknowledgedAppendSurvivesSIGKILL(durability: LedgerConfiguration.Durability) async throws {
        let temp = try TemporaryLedger { $0.durability = durability }
        defer { temp.remove() }
        for round in 1...3 {
            let session = "s\(round)"
            let child = try ChildProcess.start(
                ChildProcess.productsDirectory.appendingPathComponent("crash-writer"),
                arguments: [temp.path, session, "appends", durability.rawValue])
            try child.waitForLine("ack \(100 * round)")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0..<30)))  // a random moment mid-write
            try child.kill()
            #expect(child.terminationSignal == SIGKILL)
            let acknowledged = child.allLines().compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil }
            let last = try #require(acknowledged.max())

            let entries = try await Ledger(path: temp.path).entries(in: session)
            // Every acknowledged append is there; at most one more, written but not yet acknowledged.
            #expect(entries.count >= last && entries.count <= last + 1, "\(entries.count) entries, last ack \(last)")
            #expect(entries.map(\.parts) == (0..<entries.count).map { [.text("m\($0 + 1)")] })
        }
        #expect(try await temp.ledger.verify().isClean)
    }
}
