import Hummingbird
import TurnLedger

extension LedgerAPI {
    func registerTurns(on router: Router<APIContext>, session: RouterGroup<APIContext>) {
        session.post("entries") { request, context in
            let id = try context.requireSessionID()
            let body = try await request.decode(AppendBody.self, limit: configuration.maxBodyBytes)
            let entry = try await ledger(context).append(
                try body.contentParts(), role: body.role, to: id,
                expectedSeq: try request.expectedSeq(), idempotencyKey: try request.idempotencyKey, usage: body.usage)
            return EditedResponse(status: .created, response: entry)
        }
        session.post("summaries") { request, context in
            let id = try context.requireSessionID()
            let body = try await request.decode(SummaryBody.self, limit: configuration.maxBodyBytes)
            guard body.from <= body.to else {
                throw APIError.invalidParameter("from", "\(body.from) is after to (\(body.to))")
            }
            let entry = try await ledger(context).appendSummary(
                try body.contentParts(), covering: body.from...body.to,
                role: body.role ?? .user, to: id, idempotencyKey: try request.idempotencyKey)
            return EditedResponse(status: .created, response: entry)
        }
        session.post("rewind") { request, context in
            let id = try context.requireSessionID()
            let body = try await request.decode(RewindBody.self, limit: configuration.maxBodyBytes)
            let marker = try await ledger(context).rewind(
                id, to: body.to, expectedSeq: try request.expectedSeq(), idempotencyKey: try request.idempotencyKey,
                discardingOpenTurn: body.discardOpenTurn ?? false)
            return EditedResponse(status: .created, response: marker)
        }
        session.get("turn") { _, context in
            let id = try context.requireSessionID()
            guard let turn = try await ledger(context).currentTurn(in: id) else {
                throw LedgerError.noOpenTurn(sessionID: id)
            }
            return turn
        }
        session.post("turn") { request, context in
            let id = try context.requireSessionID()
            let body = try await request.decode(OpenTurnBody.self, limit: configuration.maxBodyBytes)
            let turn = try await ledger(context).openTurn(
                in: id, parts: try body.contentParts(), calls: body.calls,
                expectedSeq: try request.expectedSeq(), idempotencyKey: try request.idempotencyKey, usage: body.usage)
            return EditedResponse(status: .created, response: turn)
        }
        session.post("turn/results") { request, context in
            let id = try context.requireSessionID()
            let body = try await request.decode(ResultBody.self, limit: configuration.maxBodyBytes)
            let result = try await ledger(context).recordResult(
                try body.contentParts(), outcome: body.outcome ?? .success, for: body.callId,
                in: id)
            return EditedResponse(status: .created, response: result)
        }
        session.post("turn/commit") { request, context in
            let id = try context.requireSessionID()
            // If-Match: the seq of the turn opened; a retry of a commit that landed returns it.
            let turnSeq = try request.expectedSeq()
            let body = try await request.decodeIfPresent(CommitBody.self, limit: configuration.maxBodyBytes)
            let turn =
                if let result = body?.result {
                    try await ledger(context).commitTurn(
                        in: id, turnSeq: turnSeq, withResult: try result.contentParts(),
                        outcome: result.outcome ?? .success, for: result.callId)
                } else {
                    try await ledger(context).commitTurn(in: id, turnSeq: turnSeq)
                }
            metrics.recordCommit()
            return turn
        }
        session.post("turn/cancel") { request, context in
            let id = try context.requireSessionID()
            let reason = try await request.decodeIfPresent(CancelBody.self, limit: configuration.maxBodyBytes)?.reason
            let turn =
                if let reason { try await ledger(context).cancelTurn(in: id, reason: reason) } else {
                    try await ledger(context).cancelTurn(in: id)
                }
            metrics.recordCommit()
            return turn
        }
        session.post("recover") { _, context in
            let id = try context.requireSessionID()
            let turns = try await ledger(context).recover(sessionID: id)
            for _ in turns { metrics.recordCommit() }
            return turns
        }
    }
}
