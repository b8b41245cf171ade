import Hummingbird
import TurnLedger

extension LedgerAPI {
    func registerHistory(on router: Router<APIContext>, session: RouterGroup<APIContext>) {
        session.get("entries") { request, context in
            let id = try context.requireSessionID()
            if let asOf = try request.integer("asOf") {
                // The whole history as it stood at asOf: one page, of the same shape as any other.
                for name in ["after", "limit"] where request.string(name) != nil {
                    throw APIError.invalidParameter(
                        name, "is not taken with asOf, which reads the whole history as it stood")
                }
                return EntryPage(entries: try await ledger(context).entries(in: id, asOf: asOf), nextAfter: nil)
            }
            let after = try request.integer("after") ?? 0
            return try await ledger(context).entries(in: id, after: after, limit: try request.integer("limit") ?? 100)
        }
        session.get("context") { request, context in
            let id = try context.requireSessionID()
            let name = request.string("format") ?? ProviderFormat.openAIChat.rawValue
            guard let format = ProviderFormat(rawValue: name) else {
                throw APIError.invalidParameter(
                    "format",
                    "'\(name)' is not one of \(ProviderFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let built = try await ledger(context).context(
                for: id, format: format, maxTokens: try request.integer("maxTokens"))
            var response = Response.json(built.data)
            response.headers[.renderedSeqs] = SeqRanges.text(built.renderedSeqs)
            return response
        }
        router.get("/v1/search") { request, context in
            guard let text = request.string("q") else { throw APIError.invalidParameter("q", "is required") }
            guard !text.utf8.contains(0) else {
                throw APIError.invalidParameter("q", "must not contain a NUL character")
            }
            let roles = try request.uri.queryParameters.getAll("role").map { name in
                guard let role = Role(rawValue: name) else {
                    throw APIError.invalidParameter("role", "'\(name)' is not a role")
                }
                return role
            }
            if let tool = request.string("tool"), tool.isEmpty {
                throw APIError.invalidParameter("tool", "must not be empty")
            }
            let query = SearchQuery(
                text, sessionId: request.string("session"), tenant: context.tenant, roles: Set(roles),
                toolName: request.string("tool"), limit: try request.integer("limit") ?? 20)
            return try await ledger(context).search(query)
        }
        router.get("/v1/tools/stats") { request, context in
            let since = try date(request, "since")
            return try await ledger(context).toolStats(
                tenant: context.tenant, sessionId: request.string("session"), since: since)
        }
        router.get("/v1/usage") { request, context in
            if let session = request.string("session") {
                return try await ledger(context).usageTotals(in: session)
            }
            return try await ledger(context).usageTotals(tenant: context.tenant ?? request.string("tenant"))
        }
    }
}
