import Foundation
import Testing
import TurnLedgerServer

/// The agent loop over the HTTP API, in process: statuses, error bodies, retries.
@Suite struct AgentLoopTests {
    static let twoFetches = """
        {"content":"Checking both.","calls":[
          {"id":"call_Qz","name":"fetch","arguments":"{\\"url\\":\\"https://wttr.in/Moscow\\"}"},
          {"id":"call_tK","name":"fetch","arguments":"{\\"url\\":"}
        ],"usage":{"model":"gpt-5","inputTokens":120,"outputTokens":30}}
        """

    @Test func theParallelCallWithA403GoesThroughTheWholeLoop() async throws {
        try await InProcessAPI.with { http in
            #expect(try await http.post("/v1/sessions", #"{"id":"s1","metadata":{"user":"42"}}"#).status == 201)
            #expect(
                try await http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"Погода в Москве?"}"#).status
                    == 201)
            let open = try await http.post("/v1/sessions/s1/turn", Self.twoFetches)
            #expect(open.status == 201 && open.object["seq"] as? Int == 2)
            #expect(
                try await http.post(
                    "/v1/sessions/s1/turn/results",
                    #"{"callId":"call_tK","outcome":"error","content":"HTTP 403 Forbidden"}"#
                ).status == 201)

            // Committing with a call unanswered: 409, naming it; nothing changes.
            let early = try await http.post("/v1/sessions/s1/turn/commit")
            #expect(early.status == 409 && early.errorCode == "unanswered_calls")
            #expect(
                (early.object["error"] as? [String: Any]).flatMap { $0["details"] as? [String: Any] }?[
                    "unansweredCallIds"] as? [String] == ["call_Qz"])
            let blocked = try await http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"Hello?"}"#)
            #expect(blocked.status == 409 && blocked.errorCode == "open_turn_pending")
            #expect(try await http.get("/v1/sessions/s1/turn").object["seq"] as? Int == 2)

            #expect(
                try await http.post("/v1/sessions/s1/turn/results", #"{"callId":"call_Qz","content":"-3°C"}"#).status
                    == 201)
            let committed = try await http.post("/v1/sessions/s1/turn/commit")
            #expect(committed.status == 200 && committed.object["isCommitted"] as? Bool == true)

            let context = try await http.get("/v1/sessions/s1/context?format=openai-chat")
            let messages = try #require(context.object["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "tool", "tool"])
            #expect(
                messages[2]["tool_call_id"] as? String == "call_Qz"
                    && messages[3]["tool_call_id"] as? String == "call_tK")
            let anthropic = try await http.get("/v1/sessions/s1/context?format=anthropic&maxTokens=100000")
            #expect(anthropic.status == 200 && anthropic.object["messages"] != nil)
            let page = try await http.get("/v1/sessions/s1/entries?after=0&limit=10").object
            #expect((page["entries"] as? [[String: Any]])?.count == 4)
            #expect(try await http.get("/v1/usage?session=s1").object["inputTokens"] as? Int == 120)
            #expect(try await http.get("/v1/search?q=forbidden").array.first?["seq"] as? Int == 4)
            #expect(try await http.get("/v1/tools/stats").array.first?["errors"] as? Int == 1)
            #expect(try await http.get("/v1/sessions").object["sessions"].map { ($0 as? [Any])?.count } == 1)
            let fork = try await http.post("/v1/sessions/s1/forks", #"{"id":"s1b","at":4}"#)
            #expect(fork.status == 201 && fork.object["parentSeq"] as? Int == 4)
            let split = try await http.post("/v1/sessions/s1b/summaries", #"{"from":1,"to":2,"content":"short"}"#)
            #expect(split.status == 422 && split.errorCode == "invalid_input")
            #expect(split.text.contains("the turn at seq 2 spans 2...4"))
            let summary = try await http.post(
                "/v1/sessions/s1b/summaries", #"{"from":1,"to":4,"content":"Snow, and a 403."}"#)
            #expect(summary.status == 201 && summary.object["seq"] as? Int == 5, "\(summary.text)")
            let compacted = try await http.get("/v1/sessions/s1b/context?format=gemini")
            #expect(compacted.text.contains("Snow, and a 403.") && !compacted.text.contains("call_Qz"))
            let export = try await http.get("/v1/export")
            let lines = export.text.split(separator: "\n")
            #expect(export.status == 200 && lines.count == 9 && lines.last?.contains(#""lines":9"#) == true)
            let purge = try await http.delete("/v1/sessions/s1b?reason=test")
            #expect(purge.status == 200 && purge.array.first?["sessionId"] as? String == "s1b")
        }
    }

    @Test func everyErrorHasItsStatusAndOneBodyShape() async throws {
        try await InProcessAPI.with(configuration: ServerConfiguration(maxBodyBytes: 2000)) { http in
            #expect(try await http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            #expect(try await http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"hi"}"#).status == 201)

            let cases: [(HTTPClient.Reply, Int, String)] = [
                (try await http.get("/v1/sessions/nope"), 404, "session_not_found"),
                (
                    try await http.post("/v1/sessions/nope/entries", #"{"role":"user","content":"x"}"#), 404,
                    "session_not_found"
                ),
                (try await http.get("/v1/nothing-here"), 404, "route_not_found"),
                (try await http.post("/v1/sessions", #"{"id":"s1"}"#), 409, "session_already_exists"),
                (
                    try await http.post(
                        "/v1/sessions/s1/entries", #"{"role":"user","content":"x"}"#, headers: ["If-Match": "\"5\""]),
                    409, "seq_conflict"
                ),
                (try await http.post("/v1/sessions/s1/turn/commit"), 409, "no_open_turn"),
                (try await http.post("/v1/sessions/s1/entries", #"{"content":"no role"}"#), 422, "invalid_body"),
                (
                    try await http.post("/v1/sessions/s1/entries", #"{"role":"narrator","content":"x"}"#), 422,
                    "invalid_body"
                ),
                (try await http.post("/v1/sessions/s1/entries", "not json"), 422, "invalid_body"),
                (try await http.post("/v1/sessions/s1/turn", #"{"calls":[]}"#), 422, "invalid_input"),
                (try await http.get("/v1/sessions/s1/context?format=cohere"), 422, "invalid_input"),
                (try await http.get("/v1/sessions/s1/entries?asOf=9"), 422, "invalid_input"),
                (
                    try await http.post(
                        "/v1/sessions/s1/entries",
                        #"{"role":"user","content":"\#(String(repeating: "x", count: 3000))"}"#),
                    413, "body_too_large"
                ),
            ]
            for (reply, status, code) in cases {
                #expect(reply.status == status && reply.errorCode == code, "\(reply.status) \(reply.text)")
                #expect(reply.errorMessage?.isEmpty == false)
            }
            let noRole = try await http.post("/v1/sessions/s1/entries", #"{"content":"no role"}"#)
            #expect(noRole.errorMessage == "Invalid request body: role is required.")  // names the field
            #expect(try await http.post("/v1/sessions/s1/turn", AgentLoopTests.twoFetches).status == 201)
            let unknown = try await http.post("/v1/sessions/s1/turn/results", #"{"callId":"call_x","content":"?"}"#)
            #expect(unknown.status == 404 && unknown.errorCode == "unknown_call")
            #expect(
                try await http.get("/v1/sessions/s1/entries?after=0&limit=10").object["entries"].map {
                    ($0 as? [Any])?.count
                } == 1)  // nothing written by the failures
        }
    }

    @Test func idempotencyKeyAndIfMatchMakeRetriesSafe() async throws {
        try await InProcessAPI.with { http in
            #expect(try await http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)

            let first = try await http.post(
                "/v1/sessions/s1/entries", #"{"role":"user","content":"once"}"#,
                headers: ["Idempotency-Key": "k1", "If-Match": "1"])
            let retry = try await http.post(
                "/v1/sessions/s1/entries", #"{"role":"user","content":"once"}"#,
                headers: ["Idempotency-Key": "k1", "If-Match": "1"])
            let reused = try await http.post(
                "/v1/sessions/s1/entries", #"{"role":"user","content":"other"}"#, headers: ["Idempotency-Key": "k1"])

            #expect(first.status == 201 && retry.status == 201)
            #expect(first.object["seq"] as? Int == 1 && retry.object["seq"] as? Int == 1)
            #expect(reused.status == 409 && reused.errorCode == "idempotency_key_reused")
            #expect(
                try await http.get("/v1/sessions/s1/entries?after=0&limit=10").object["entries"].map {
                    ($0 as? [Any])?.count
                } == 1)
        }
    }
}

/// The limits `serve` takes beside the body size.
@Suite struct LimitTests {
    @Test func callsPerTurnAndIdLengthAreLimitedAsConfigured() async throws {
        try await InProcessAPI.with(maxIdentifierLength: 8, maxCallsPerTurn: 1) { http in

            let long = try await http.post("/v1/sessions", #"{"id":"much-too-long"}"#)
            #expect(long.status == 422 && long.errorCode == "invalid_input")
            #expect(long.errorMessage == "Invalid id: must be at most 8 bytes, not 13.")
            #expect(try await http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            let many = try await http.post("/v1/sessions/s1/turn", AgentLoopTests.twoFetches)
            #expect(many.status == 422 && many.errorCode == "invalid_input")
            #expect(
                (many.object["error"] as? [String: Any]).flatMap { $0["details"] as? [String: Any] }?["field"]
                    as? String == "calls")
        }
    }

    @Test func aCommitCanCarryTheLastResult() async throws {
        try await InProcessAPI.with { http in
            #expect(try await http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            let open = try await http.post("/v1/sessions/s1/turn", AgentLoopTests.twoFetches)
            let seq = try #require(open.object["seq"] as? Int)
            #expect(
                try await http.post("/v1/sessions/s1/turn/results", #"{"callId":"call_tK","content":"ok"}"#).status
                    == 201)

            // A result the open turn cannot take, or a body without a call id: refused, nothing recorded.
            let early = try await http.post(
                "/v1/sessions/s1/turn/commit", #"{"result":{"callId":"call_nope","content":"x"}}"#)
            #expect(early.status == 404 && early.errorCode == "unknown_call", "\(early.text)")
            let malformed = try await http.post("/v1/sessions/s1/turn/commit", #"{"result":{"content":"x"}}"#)
            #expect(malformed.status == 422 && malformed.errorCode == "invalid_body", "\(malformed.text)")
            #expect((try await http.get("/v1/sessions/s1/turn").object["results"] as? [Any])?.count == 1)

            let body = #"{"result":{"callId":"call_Qz","outcome":"error","content":"HTTP 403"}}"#
            let committed = try await http.post(
                "/v1/sessions/s1/turn/commit", body, headers: ["If-Match": "\"\(seq)\""])
            #expect(committed.status == 200 && committed.object["isCommitted"] as? Bool == true, "\(committed.text)")
            let results = try #require(committed.object["results"] as? [[String: Any]])
            #expect(results.map { $0["callId"] as? String } == ["call_Qz", "call_tK"])
            #expect(results.map { $0["outcome"] as? String } == ["error", "success"])

            // Sent again after a lost answer: the same turn, nothing written.
            let again = try await http.post("/v1/sessions/s1/turn/commit", body)
            #expect(again.status == 200 && again.object["seq"] as? Int == seq, "\(again.text)")
            #expect((try await http.get("/v1/sessions/s1/entries").object["entries"] as? [Any])?.count == 3)
        }
    }
}
