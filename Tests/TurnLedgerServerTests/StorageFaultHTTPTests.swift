import Foundation
import GRDB
import Testing

/// A storage failure reaches an HTTP client as its own status, not as a 500.
@Suite struct StorageFaultHTTPTests {
    @Test func aWriteLockHeldByAnotherProcessPastTheBusyTimeoutIs503WithRetryAfter() async throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start("--busy-timeout", "0.3")
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)

        var config = Configuration()
        config.allowsUnsafeTransactions = true  // the lock is held across accesses on purpose
        let holder = try DatabaseQueue(path: server.database, configuration: config)
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        let busy = try http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"blocked"}"#)
        #expect(busy.status == 503 && busy.errorCode == "store_busy", "\(busy.status) \(busy.text)")
        #expect(busy.headers["retry-after"] == "1")
        let waited =
            ((busy.object["error"] as? [String: Any])?["details"] as? [String: Any])?["waitedSeconds"] as? Double
        #expect(waited.map { $0 >= 0.29 && $0 < 5 } == true, "waited \(String(describing: waited))")
        #expect(try http.get("/v1/sessions/s1/entries?after=0&limit=10").status == 200)  // reads go on

        try await holder.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        #expect(try http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"after"}"#).status == 201)
        let entries = try http.get("/v1/sessions/s1/entries?after=0&limit=10").object["entries"] as? [[String: Any]]
        #expect(entries?.count == 1)
    }
}
