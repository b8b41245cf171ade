import Foundation
import Testing

/// API keys map to tenants; a tenant sees only its own sessions.
@Suite struct AuthTests {
    private func key(_ server: ServerProcess, tenant: String) throws -> (id: String, secret: String) {
        try server.createKey(tenant: tenant)
    }

    @Test func keysMapToTenantsAndATenantSeesOnlyItsOwnSessions() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let acme = try key(server, tenant: "acme")
        let globex = try key(server, tenant: "globex")
        var http = try server.start()
        #expect(!server.firstLine.contains("open"))

        let anonymous = try http.post("/v1/sessions", #"{"id":"a1"}"#)
        #expect(anonymous.status == 401 && anonymous.errorCode == "unauthorized")
        #expect(anonymous.headers["www-authenticate"] == "Bearer")
        http.bearer = "tlk_\(acme.id)_0000"
        #expect(try http.get("/v1/sessions").status == 401)
        #expect(try http.get("/healthz").status == 200)

        http.bearer = acme.secret
        #expect(try http.post("/v1/sessions", #"{"id":"a1"}"#).object["tenant"] as? String == "acme")
        #expect(try http.post("/v1/sessions/a1/entries", #"{"role":"user","content":"secret plans"}"#).status == 201)
        http.bearer = globex.secret
        for reply in [
            try http.get("/v1/sessions/a1"), try http.get("/v1/sessions/a1/entries"),
            try http.post("/v1/sessions/a1/entries", #"{"role":"user","content":"x"}"#),
            try http.get("/v1/sessions/a1/events"), try http.delete("/v1/sessions/a1?reason=x"),
        ] {
            #expect(reply.status == 404 && reply.errorCode == "session_not_found", "\(reply.text)")
        }
        #expect(try http.get("/v1/sessions").object["sessions"].map { ($0 as? [Any])?.count } == 0)
        #expect(try http.get("/v1/search?q=plans").array.isEmpty)
        #expect(try http.get("/v1/export").text.contains("a1") == false)
        #expect(try http.post("/v1/sessions", #"{"id":"g1"}"#).status == 201)

        // Revoked: stops at once. Stored: only hashes.
        #expect(try server.cli("keys", "revoke", acme.id).status == 0)
        http.bearer = acme.secret
        #expect(try http.get("/v1/sessions").status == 401)
        let file =
            try Data(contentsOf: URL(fileURLWithPath: server.database))
            + ((try? Data(contentsOf: URL(fileURLWithPath: server.database + "-wal"))) ?? Data())
        #expect(file.firstRange(of: Data(acme.secret.utf8)) == nil)
        #expect(file.firstRange(of: Data(globex.secret.utf8)) == nil)
        #expect(try server.cli("keys", "list").stdout.contains(acme.secret) == false)
    }

    @Test func twoTenantsEachHaveTheirOwnSessionOfOneIdAndLearnNothingOfTheOther() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let acme = try key(server, tenant: "acme")
        let globex = try key(server, tenant: "globex")
        var http = try server.start()

        http.bearer = acme.secret
        #expect(try http.post("/v1/sessions", #"{"id":"iso1"}"#).status == 201)
        #expect(try http.post("/v1/sessions/iso1/entries", #"{"role":"user","content":"acme's plans"}"#).status == 201)
        http.bearer = globex.secret
        // Not 409: the id being used by another tenant is not this tenant's business.
        let created = try http.post("/v1/sessions", #"{"id":"iso1"}"#)
        #expect(created.status == 201 && created.object["tenant"] as? String == "globex", "\(created.text)")
        #expect(try http.get("/v1/sessions/iso1/entries").object["entries"].map { ($0 as? [Any])?.count } == 0)
        #expect(try http.post("/v1/sessions/iso1/entries", #"{"role":"user","content":"globex's"}"#).status == 201)
        // A fork takes a name within its tenant: acme has no `iso2`, globex's fork does not collide.
        #expect(try http.post("/v1/sessions/iso1/forks", #"{"id":"iso2","at":1}"#).status == 201)
        http.bearer = acme.secret
        #expect(try http.post("/v1/sessions/iso1/forks", #"{"id":"iso2","at":1}"#).status == 201)
        let again = try http.post("/v1/sessions/iso1/forks", #"{"id":"iso2","at":1}"#)
        #expect(again.status == 409 && again.errorCode == "session_already_exists")
        let entries = try http.get("/v1/sessions/iso1/entries").text
        #expect(entries.contains("acme's plans") && !entries.contains("globex's"))
        // A purge reaches the caller's session only.
        #expect(try http.delete("/v1/sessions/iso2?reason=done").status == 200)
        http.bearer = globex.secret
        #expect(try http.get("/v1/sessions/iso2").object["tenant"] as? String == "globex")
        #expect(try http.get("/v1/search?q=plans").array.isEmpty)
        #expect(try server.cli("verify").status == 0)
    }

    @Test func withoutKeysItServesOnlyOnLoopback() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        do {
            _ = try server.start("--host", "0.0.0.0")
            Issue.record("the server started open on 0.0.0.0")
        } catch ServerProcessError.exited(let stderr) {
            #expect(stderr.contains("Refusing to serve 0.0.0.0 without API keys"))
        }
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus != 0)
    }
}
