import Foundation
import Testing

/// The crash loop of `turnledger soak`: a writer process killed with SIGKILL 50 times.
@Suite struct SoakTests {
    @Test func fiftyKillsLoseNoAcknowledgedWrite() throws {
        let cli = try CLI()
        defer { cli.remove() }

        let run = try cli("soak", "--kills", "50", "--seed", "3")

        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try run.json() as? [String: Any])
        #expect(report["kills"] as? Int == 50)
        #expect(report["lost"] as? Int == 0 && report["unattempted"] as? Int == 0)
        #expect((report["problems"] as? [Any])?.isEmpty == true)
        #expect((report["acknowledged"] as? Int ?? 0) > 500)  // the writers did real work between kills
        #expect((report["recoveredTurns"] as? Int ?? 0) > 0 && (report["resumedTurns"] as? Int ?? 0) > 0)
    }
}
