import Foundation
import Testing
import TurnLedgerServer

/// `POST /v1/sessions/{id}/rewind`: the history goes back, the log keeps everything.
@Suite struct RewindRouteTests {
    @Test func aRewindOverHTTPAnswersTheMarkerAndTheHistoryReadsAsBefore() async throws {
        try await InProcessAPI.with { http in
            #expect(try await http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
            for text in ["one", "two", "three"] {
                #expect(try await http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"\#(text)"}"#).status == 201)
            }
            let marker = try await http.post("/v1/sessions/s1/rewind", #"{"to":1}"#, headers: ["Idempotency-Key": "r1"])
            #expect(marker.status == 201 && marker.object["seq"] as? Int == 4 && marker.object["rewindsTo"] as? Int == 1)
            #expect((marker.object["parts"] as? [Any])?.isEmpty == true)
            let retried = try await http.post("/v1/sessions/s1/rewind", #"{"to":1}"#, headers: ["Idempotency-Key": "r1"])
            #expect(retried.status == 201 && retried.object["seq"] as? Int == 4)

            let page = try await http.get("/v1/sessions/s1/entries?after=0&limit=10").object
            #expect((page["entries"] as? [[String: Any]])?.compactMap { $0["seq"] as? Int } == [1])
            let past = try await http.get("/v1/sessions/s1/entries?asOf=3").object
            #expect((past["entries"] as? [[String: Any]])?.count == 3)
            let context = try await http.get("/v1/sessions/s1/context?format=openai-responses")
            #expect((context.object["input"] as? [Any])?.count == 1)
            #expect(context.headers["turnledger-rendered-seqs"] == "1")
            for text in ["four", "five"] {
                #expect(try await http.post("/v1/sessions/s1/entries", #"{"role":"user","content":"\#(text)"}"#).status == 201)
            }
            #expect(
                try await http.get("/v1/sessions/s1/context?format=anthropic").headers["turnledger-rendered-seqs"]
                    == "1,5-6")
            #expect(try await http.post("/v1/sessions/s1/rewind", #"{"to":4}"#).status == 201)

            let conflict = try await http.post("/v1/sessions/s1/rewind", #"{"to":0}"#, headers: ["If-Match": "7"])
            #expect(conflict.status == 409 && conflict.errorCode == "seq_conflict")
            let outside = try await http.post("/v1/sessions/s1/rewind", #"{"to":9}"#)
            #expect(outside.status == 422 && outside.errorField == "to")
            let negative = try await http.post("/v1/sessions/s1/rewind", #"{"to":-1}"#)
            #expect(negative.status == 422 && negative.errorField == "to")
            #expect(try await http.post("/v1/sessions/s1/rewind", #"{}"#).status == 422)
            #expect(try await http.post("/v1/sessions/nope/rewind", #"{"to":0}"#).status == 404)

            #expect(
                try await http.post(
                    "/v1/sessions/s1/turn", #"{"calls":[{"id":"c1","name":"t","arguments":"{}"}]}"#
                ).status == 201)
            let open = try await http.post("/v1/sessions/s1/rewind", #"{"to":0}"#)
            #expect(open.status == 409 && open.errorCode == "open_turn_pending")
            let discarded = try await http.post("/v1/sessions/s1/rewind", #"{"to":0,"discardOpenTurn":true}"#)
            #expect(discarded.status == 201 && discarded.object["seq"] as? Int == 8)
            #expect(try await http.get("/v1/sessions/s1/turn").errorCode == "no_open_turn")
            let empty = try await http.get("/v1/sessions/s1/entries")
            #expect((empty.object["entries"] as? [Any])?.isEmpty == true)
            let none = try await http.get("/v1/sessions/s1/context?format=openai-chat")
            #expect(none.status == 200 && none.headers["turnledger-rendered-seqs"] == "")
        }
    }
}
