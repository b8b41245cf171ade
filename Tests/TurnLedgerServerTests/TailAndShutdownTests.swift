import Foundation
import Testing

/// The live tail (SSE), and graceful shutdown on SIGTERM.
@Suite struct TailAndShutdownTests {
    @Test func aTailSendsCommittedEntriesAsTheyLandAndResumesAfterLastEventID() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        #expect(try http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"one"}"#).status == 201)

        let tail = try http.stream("/v1/sessions/s1/events")
        defer { tail.close() }
        let first = try #require(try tail.nextEvent())
        #expect(first["id"] == "1" && first["event"] == "entry" && first["data"]?.contains("\"one\"") == true)

        // A turn lands whole: entry, then results in call order, while the tail is open.
        #expect(try http.post("/v1/sessions/s1/turn", AgentLoopTests.twoFetches).status == 201)
        #expect(
            try http.post("/v1/sessions/s1/turn/results", #"{"callId":"call_tK","outcome":"error","content":"403"}"#)
                .status == 201)
        #expect(try http.post("/v1/sessions/s1/turn/results", #"{"callId":"call_Qz","content":"ok"}"#).status == 201)
        #expect(try http.post("/v1/sessions/s1/turn/commit").status == 200)
        let ids = try (0..<3).map { _ in try #require(try tail.nextEvent())["id"] }
        #expect(ids == ["2", "3", "4"])

        // Resume after seq 3 (inside the turn): only seq 4, then what comes next.
        let resumed = try http.stream("/v1/sessions/s1/events", headers: ["Last-Event-ID": "3"])
        defer { resumed.close() }
        #expect(try resumed.nextEvent()?["id"] == "4")
        #expect(try http.post("/v1/sessions/s1/entries", #"{"role":"assistant","content":"done"}"#).status == 201)
        #expect(try resumed.nextEvent()?["id"] == "5")
    }

    @Test func aTailCanStartFromNowAndAPurgeEndsItWithAnEventSayingSo() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        for text in ["one", "two", "three"] {
            #expect(try http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"\#(text)"}"#).status == 201)
        }
        let tail = try http.stream("/v1/sessions/s1/events?from=now")
        defer { tail.close() }
        #expect(try http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"four"}"#).status == 201)
        let next = try #require(try tail.nextEvent())
        #expect(next["id"] == "4" && next["data"]?.contains("four") == true, "\(next)")
        #expect(try http.get("/v1/sessions/s1/events?from=later").status == 422)

        #expect(try http.delete("/v1/sessions/s1?reason=done").status == 200)
        let purged = try #require(try tail.nextEvent())
        #expect(purged["event"] == "purged" && purged["data"]?.contains("s1") == true, "\(purged)")
        #expect(try tail.nextEvent() == nil)  // and the stream ends
    }

    @Test func sigtermFinishesInFlightWorkEndsTailsAndClosesTheDatabase() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        let tail = try http.stream("/v1/sessions/s1/events")
        defer { tail.close() }

        let status = server.stop()

        #expect(status == 0)
        #expect(try tail.nextEvent() == nil)  // the stream ended cleanly
        #expect(server.readErrors().contains("stopped; database closed"))
        // The file is whole and reopens clean.
        let verify = try server.cli("verify")
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func healthAndMetrics() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        #expect(try http.post("/v1/sessions/s1/turn", AgentLoopTests.twoFetches).status == 201)

        #expect(try http.get("/healthz").object["status"] as? String == "ok")
        let metrics = try http.get("/metrics").text
        #expect(metrics.contains("turnledger_http_requests_total{status=\"201\"} 2"))
        #expect(metrics.contains("turnledger_open_turns 1"))
        #expect(metrics.contains("turnledger_http_request_duration_seconds_count"))
    }
}
