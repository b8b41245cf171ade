import Foundation
import Testing
import TurnLedger

/// Ids in the path as percent-encoded UTF-8 and a NUL in a query (issue 14), in process.
@Suite struct PathAndQueryTests {
    /// A path segment as a client library encodes it: everything but unreserved characters.
    private func encoded(_ id: String) -> String {
        id.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(
                charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))!
    }

    @Test func sessionIdsInThePathArePercentDecodedWhateverTheirCharacters() async throws {
        try await InProcessAPI.with { http in
            let ids = ["сессия", "日本語", "🦊 fox", "café", "a b", "a/b", "a?b", "a#b", "a+b", "100%", "x%41"]
            for id in ids {
                let body = String(data: try JSONSerialization.data(withJSONObject: ["id": id]), encoding: .utf8)!
                #expect(try await http.post("/v1/sessions", body).status == 201, "\(id)")
                let path = "/v1/sessions/\(encoded(id))"
                let appended = try await http.post(path + "/entries", #"{"role":"user","content":"hi"}"#)
                #expect(
                    appended.status == 201 && appended.object["sessionId"] as? String == id, "\(id): \(appended.text)")
                let page = try await http.get(path + "/entries")
                #expect((page.object["entries"] as? [Any])?.count == 1, "\(id): \(page.text)")
                #expect(try await http.get(path).object["id"] as? String == id)
                #expect(try await http.get(path + "/context?format=anthropic").status == 200)
            }
            // `+` in a path is a plus, `%41` is `A`: "x%41" was created as the text "x%41", so
            // its path is "x%2541", and "/v1/sessions/x%41" names "xA", which does not exist.
            let missing = try await http.get("/v1/sessions/x%41")
            #expect(missing.status == 404 && missing.object["error"].map { "\($0)" }?.contains("xA") == true)
            let bad = try await http.get("/v1/sessions/%FF%FE/entries")
            #expect(bad.status == 422 && bad.errorCode == "invalid_input", "\(bad.text)")
            for id in ids {
                #expect(try await http.delete("/v1/sessions/\(encoded(id))?reason=cleanup").status == 200, "\(id)")
            }
            #expect(try await http.ledger.verify().isClean)
        }
    }

    @Test func aNULInASearchIsA422NamingTheParameterWithoutSQL() async throws {
        try await InProcessAPI.with { http in
            let reply = try await http.get("/v1/search?q=a%00")
            #expect(reply.status == 422 && reply.errorCode == "invalid_input", "\(reply.text)")
            #expect(reply.text.contains("\"q\"") && !reply.text.contains("SELECT") && !reply.text.contains("SQLite"))
            let session = try await http.get("/v1/sessions/s1%00x")
            #expect(session.status == 404 && !session.text.contains("SQLite"))
        }
    }
}
