/// Every error the ledger reports on purpose: each case carries what went wrong.
///
/// `description` is a sentence for people; `code` is stable for programs.
public enum LedgerError: Error, Equatable, Sendable {
    /// No session has this id.
    case sessionNotFound(String)
    /// A session with this id exists already (in the same tenant).
    case sessionAlreadyExists(String)
    /// Sessions of several tenants have this id, and the ledger is not scoped to one tenant:
    /// name the tenant with ``Ledger/scoped(to:)``.
    case sessionIDAmbiguous(String, tenants: [String?])
    /// The caller expected to append at `expected`, but the session's next seq is `next`.
    case seqConflict(sessionID: String, expected: Int, next: Int)
    /// A field of the input is invalid; nothing was written.
    case invalidInput(field: String, reason: String)
    /// The session has an open turn; these of its calls are still unanswered.
    case openTurnPending(sessionID: String, seq: Int, unansweredCallIDs: [String])
    /// The session has no open turn to record into, commit or cancel.
    case noOpenTurn(sessionID: String)
    /// Commit was refused: these calls have no result yet.
    case unansweredCalls(sessionID: String, callIDs: [String])
    /// The open turn has no call with this id.
    case unknownCall(sessionID: String, callID: String)
    /// The call has a result already; the first one is kept.
    case duplicateResult(sessionID: String, callID: String)
    /// The idempotency key was used before for a different write.
    case idempotencyKeyReused(sessionID: String, key: String)
    /// The rendered context broke one of the provider's rules; nothing was returned.
    case contextRuleViolated(format: String, rule: String, detail: String)
    /// No step of the history fits the token budget beside the system prefix.
    case contextBudgetTooSmall(maxTokens: Int, needed: Int)
    /// An imported history breaks the pairing rules; nothing was written.
    case historyRejected(position: String, reason: String, unansweredCallIDs: [String])
    /// A seq given to fork at or read as of falls inside a turn: between an assistant entry
    /// with calls and its last result, where the history never stood.
    case seqInsideTurn(sessionID: String, seq: Int, turn: ClosedRange<Int>)
    /// The session has forks, which would lose the start of their history; purge them too.
    case sessionHasForks(sessionID: String, forkIDs: [String])
    /// An export line that cannot be imported: its line number and what is wrong.
    case exportRejected(line: Int, reason: String)
    /// The database holds migrations this version does not know: a newer TurnLedger made it.
    case databaseTooNew(unknownMigrations: [String])
    /// A migration's text changed after it was applied to this database.
    case migrationChanged(String)
    /// Another connection held the database locked for longer than the busy timeout (or in a
    /// way SQLite cannot wait for); nothing was written. `waited` is how long this call waited.
    /// Retry later.
    case storeBusy(waited: Duration)
    /// The database could not grow (disk full, or its size limit); nothing of this write was
    /// stored, and what was committed before is intact. Free space and retry.
    case storageFull(path: String)
    /// SQLite reported an I/O failure, a damaged file, or a file it cannot open or write.
    case storageFailed(path: String, sqliteCode: Int32, message: String)
    /// PostgreSQL could not be reached, or failed in a way the ledger does not expect; `store` is
    /// the URL without its password, `sqlState` the server's SQLSTATE when it sent one.
    case postgresFailed(store: String, sqlState: String?, message: String)
}

extension LedgerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .sessionNotFound(let id):
            "No session with id '\(id)'."
        case .sessionAlreadyExists(let id):
            "A session with id '\(id)' exists already."
        case .sessionIDAmbiguous(let id, let tenants):
            "Sessions of several tenants have id '\(id)' (\(tenants.map { $0.map { "'\($0)'" } ?? "no tenant" }.joined(separator: ", "))); "
                + "name the tenant."
        case .seqConflict(let id, let expected, let next):
            "Session '\(id)' is at seq \(next), not \(expected)."
        case .invalidInput(let field, let reason):
            "Invalid \(field): \(reason)."
        case .openTurnPending(let id, let seq, let callIDs):
            "Session '\(id)' has an open turn at seq \(seq); unanswered calls: \(Self.list(callIDs)). "
                + "Record their results, cancel the turn, or recover it first."
        case .noOpenTurn(let id):
            "Session '\(id)' has no open turn."
        case .unansweredCalls(let id, let callIDs):
            "The turn of session '\(id)' cannot be committed: no result for \(Self.list(callIDs))."
        case .unknownCall(let id, let callID):
            "The open turn of session '\(id)' has no call '\(callID)'."
        case .duplicateResult(let id, let callID):
            "Call '\(callID)' of session '\(id)' has a result already."
        case .idempotencyKeyReused(let id, let key):
            "Idempotency key '\(key)' of session '\(id)' was used for a different write."
        case .contextRuleViolated(let format, let rule, let detail):
            "The \(format) context breaks the rule '\(rule)': \(detail)."
        case .contextBudgetTooSmall(let maxTokens, let needed):
            "A budget of \(maxTokens) tokens is too small: the system prefix and the newest step need \(needed)."
        case .historyRejected(let position, let reason, let callIDs):
            "The history is refused at \(position): \(reason)"
                + (callIDs.isEmpty ? "." : "; unanswered calls: \(Self.list(callIDs)).")
        case .seqInsideTurn(let id, let seq, let turn):
            "Seq \(seq) of session '\(id)' is inside the turn \(turn.lowerBound)...\(turn.upperBound); "
                + "use \(turn.lowerBound - 1) (before it) or \(turn.upperBound) (after it)."
        case .sessionHasForks(let id, let forks):
            "Session '\(id)' has forks \(Self.list(forks)); purge them with it (includingForks) or first."
        case .exportRejected(let line, let reason):
            "Export line \(line): \(reason)."
        case .databaseTooNew(let migrations):
            "The database was written by a newer TurnLedger (unknown migrations: \(Self.list(migrations)))."
        case .migrationChanged(let id):
            "Migration '\(id)' differs from the one applied to this database; refusing to open it."
        case .storeBusy(let waited):
            "The database is locked by another connection (waited \(waited)); nothing was written. Retry later."
        case .storageFull(let path):
            "The database '\(path)' cannot grow: the disk is full or its size limit is reached. "
                + "Nothing of this write was stored and committed history is intact; free space and retry."
        case .storageFailed(let path, let code, let message):
            "SQLite failed on '\(path)' (code \(code)): \(message)."
        case .postgresFailed(let store, let sqlState, let message):
            "PostgreSQL failed on '\(store)'\(sqlState.map { " (SQLSTATE \($0))" } ?? ""): \(message)."
        }
    }

    /// A stable, machine-readable name of the case.
    public var code: String {
        switch self {
        case .sessionNotFound: "session_not_found"
        case .sessionAlreadyExists: "session_already_exists"
        case .sessionIDAmbiguous: "session_id_ambiguous"
        case .seqConflict: "seq_conflict"
        case .invalidInput: "invalid_input"
        case .openTurnPending: "open_turn_pending"
        case .noOpenTurn: "no_open_turn"
        case .unansweredCalls: "unanswered_calls"
        case .unknownCall: "unknown_call"
        case .duplicateResult: "duplicate_result"
        case .idempotencyKeyReused: "idempotency_key_reused"
        case .contextRuleViolated: "context_rule_violated"
        case .contextBudgetTooSmall: "context_budget_too_small"
        case .historyRejected: "history_rejected"
        case .seqInsideTurn: "seq_inside_turn"
        case .sessionHasForks: "session_has_forks"
        case .exportRejected: "export_rejected"
        case .databaseTooNew: "database_too_new"
        case .migrationChanged: "migration_changed"
        case .storeBusy: "store_busy"
        case .storageFull: "storage_full"
        case .storageFailed, .postgresFailed: "storage_failed"
        }
    }

    private static func list(_ ids: [String]) -> String {
        ids.map { "'\($0)'" }.joined(separator: ", ")
    }
}
