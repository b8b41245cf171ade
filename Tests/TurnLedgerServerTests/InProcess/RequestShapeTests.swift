import Foundation
import Testing

/// What schemathesis found looser or stricter than the OpenAPI document (issue 14), each checked
/// in process: If-Match, content given twice, the page of `asOf`, the tail's start parameters.
@Suite struct RequestShapeTests {
    @Test func ifMatchIsAQuotedOrBareSeqOfAtMost18DigitsAndNothingElse() async throws {
        try await InProcessAPI.with { api in
            #expect(try await api.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            let message = #"{"role":"user","content":"hi"}"#
            for header in [#"W/1""#, #""1"#, #"1""#, "01", "0", "1234567890123456789", "+1", #"""1"""#, "{}"] {
                let reply = try await api.post("/v1/sessions/s1/entries", message, headers: ["If-Match": header])
                #expect(reply.status == 422 && reply.errorField == "If-Match", "\(header): \(reply.text)")
            }
            let page = try await api.get("/v1/sessions/s1/entries")
            #expect((page.object["entries"] as? [Any])?.isEmpty == true, "nothing stored: \(page.text)")
            for (seq, header) in [(1, #""1""#), (2, #"W/"2""#), (3, "3")] {
                let reply = try await api.post("/v1/sessions/s1/entries", message, headers: ["If-Match": header])
                #expect(reply.status == 201 && reply.object["seq"] as? Int == seq, "\(header): \(reply.text)")
            }
        }
    }

    @Test func aBodyWithBothPartsAndContentIsRefusedNotHalfRead() async throws {
        try await InProcessAPI.with { api in
            #expect(try await api.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            let both = #"{"role":"user","content":"one","parts":[{"type":"text","text":"two"}]}"#
            let reply = try await api.post("/v1/sessions/s1/entries", both)
            #expect(reply.status == 422 && reply.errorField == "content", "\(reply.text)")
            #expect(try await api.get("/v1/sessions/s1").object["id"] as? String == "s1")
            let page = try await api.get("/v1/sessions/s1/entries")
            #expect((page.object["entries"] as? [Any])?.isEmpty == true, "\(page.text)")
            // null is absent: content with parts null is the content.
            let nulls = try await api.post(
                "/v1/sessions/s1/entries", #"{"role":"user","content":"one","parts":null,"usage":null}"#)
            #expect(nulls.status == 201, "\(nulls.text)")
        }
    }

    @Test func asOfAnswersAPageOfTheSameShapeAndTakesNoAfterOrLimit() async throws {
        try await InProcessAPI.with { api in
            #expect(try await api.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            for text in ["a", "b", "c"] {
                #expect(
                    try await api.post("/v1/sessions/s1/entries", #"{"role":"user","content":"\#(text)"}"#).status
                        == 201)
            }
            let then = try await api.get("/v1/sessions/s1/entries?asOf=2")
            #expect(
                then.status == 200
                    && (then.object["entries"] as? [[String: Any]])?.map { $0["seq"] as? Int } == [1, 2], "\(then.text)"
            )
            #expect(then.object["nextAfter"] == nil)
            for extra in ["after=1", "limit=1"] {
                let reply = try await api.get("/v1/sessions/s1/entries?asOf=2&\(extra)")
                #expect(reply.status == 422 && reply.errorField == String(extra.prefix { $0 != "=" }), "\(reply.text)")
            }
        }
    }

    @Test func theTailChecksEachStartParameterEvenWhenLastEventIDWins() async throws {
        try await InProcessAPI.with { api in
            #expect(try await api.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            for (query, header, field) in [
                ("after=-1", "0", "after"), ("after=9223372036854775808", "0", "after"), ("after=x", "0", "after"),
                ("after=0", "-1", "Last-Event-ID"), ("after=0", "1e3", "Last-Event-ID"),
            ] {
                let reply = try await api.get("/v1/sessions/s1/events?\(query)", headers: ["Last-Event-ID": header])
                #expect(reply.status == 422 && reply.errorField == field, "\(query) \(header): \(reply.text)")
            }
        }
    }
}
