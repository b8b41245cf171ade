import Foundation
import Testing

/// `turnledger load` runs agent clients against a real server and reports what they did.
@Suite struct LoadCommandTests {
    @Test func loadRunsTheAgentLoopOverHTTPAndReportsEachAgentCount() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let key = try server.createKey(tenant: "load").secret
        let http = try server.start()

        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = [
            "load", "--url", "http://127.0.0.1:\(http.port)", "--key", key, "--agents", "1", "--agents", "3",
            "--turns", "2", "--calls", "2",
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let reports = try String(decoding: stdout, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(reports.map { $0["agents"] as? Int } == [1, 3])
        // Per agent: the session, then per turn a message, the turn, 2 results, the commit, the context.
        #expect(reports.map { $0["requests"] as? Int } == [1 + 2 * 6, 3 * (1 + 2 * 6)])
        #expect(reports.map { $0["writes"] as? Int } == [1 + 2 * 5, 3 * (1 + 2 * 5)])
        #expect(reports.allSatisfy { ($0["p99_ms"] as? Double ?? 0) >= ($0["p50_ms"] as? Double ?? 1) })
        #expect(try server.cli("verify").status == 0)
        let listed = try server.cli("sessions", "list", "--json")
        #expect(listed.stdout.components(separatedBy: "\"load-").count - 1 == 4, "\(listed.stdout.prefix(300))")
    }
}
