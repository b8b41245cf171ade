import Foundation
import Testing

/// What clients in other languages send that the service got wrong (issue 14) and that needs a
/// real server on loopback: raw headers, the CLI beside it. Paths and queries: `PathAndQueryTests`.
@Suite struct HTTPEdgeTests {
    @Test func theTailOfASessionThatDoesNotExistIsA404InOpenModeToo() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        #expect(server.firstLine.contains("open"))
        let reply = try http.get("/v1/sessions/nobody/events")
        #expect(reply.status == 404 && reply.errorCode == "session_not_found", "\(reply.text)")
    }

    @Test func protocolDetails() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let key = try server.createKey(tenant: "acme").secret
        var http = try server.start()

        // HEAD /healthz, and no key needed for it.
        #expect(try http.request("HEAD", "/healthz").status == 200)
        // The scheme of Authorization is case-insensitive.
        #expect(try http.get("/v1/sessions", headers: ["Authorization": "bearer \(key)"]).status == 200)
        #expect(try http.get("/v1/sessions", headers: ["Authorization": "BEARER \(key)"]).status == 200)
        http.bearer = key
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)

        // Two Idempotency-Key headers are refused, not joined into "k1, k2".
        let twice = try http.post(
            "/v1/sessions/s1/entries", #"{"role":"user","content":"x"}"#,
            headers: ["Idempotency-Key": "k1\r\nIdempotency-Key: k2"])
        #expect(twice.status == 422 && twice.text.contains("Idempotency-Key"), "\(twice.text)")
        #expect((try http.get("/v1/sessions/s1/entries").object["entries"] as? [Any])?.count == 0)

        // A flag that is neither true nor false stops the purge.
        let maybe = try http.delete("/v1/sessions/s1?reason=x&includingForks=maybe")
        #expect(maybe.status == 422 && maybe.text.contains("includingForks"), "\(maybe.text)")
        #expect(try http.get("/v1/sessions/s1").status == 200)

        // Valid JSON the decoder cannot map is named as such; text that is not JSON as that.
        let huge = try http.post("/v1/sessions/s1/forks", #"{"id":"f","at":1e30}"#)
        #expect(huge.status == 422 && huge.text.contains("does not fit") && !huge.text.contains("given data"))
        let broken = try http.post("/v1/sessions/s1/forks", #"{"id":"f","at":"#)
        #expect(broken.status == 422 && broken.text.contains("not valid JSON"), "\(broken.text)")

        // Times are RFC 3339 date-times, whatever their offset or year; an empty tool is refused.
        #expect(try http.get("/v1/tools/stats?since=0336-01-26T01%3A09%3A45.558%2B21%3A05").status == 200)
        #expect(try http.get("/v1/tools/stats?since=2026-13-01T00%3A00%3A00Z").status == 422)
        #expect(try http.get("/v1/search?q=x&tool=").status == 422)

        // The CLI's help lists the durability spellings it accepts.
        let help = try server.cli("verify", "--help")
        #expect(help.stdout.contains("power-loss") && !help.stdout.contains("powerLoss"), "\(help.stdout)")
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // help wraps lines
        #expect(words.contains("default: process-crash)") && !words.contains("processCrash"), "\(help.stdout)")
    }
}
