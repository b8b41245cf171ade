import Foundation

/// What an engine does for a ledger: every operation that reads or writes storage, each in one
/// transaction of its own. ``Ledger`` checks and encodes the caller's input, calls one of these,
/// then announces what committed to the tails and logs it. Everything that is not storage (the
/// checks, turns, rendering, windowing, the hash's canonical bytes, the export format) is shared;
/// each engine holds its own SQL: ``SQLiteStore`` in `Storage/SQLite/`, ``PostgresStore`` in
/// `Storage/Postgres/`.
///
/// A write that names a session returns its ``SessionRef``: the ledger wakes that session's
/// tails with it.
protocol LedgerStore: Sendable {
    /// The engine's name in messages: `SQLite` or `PostgreSQL`.
    var engineName: String { get }

    /// How often a tail reads again without an announcement: nil when every commit to the
    /// store is announced in this process, or found by the heartbeat's read.
    var tailPollInterval: Duration? { get }

    /// Closes the database: every connection is closed once the accesses in flight end.
    func close() throws

    /// Tells the store's other processes that a write committed to the session's log (or, with
    /// `purged`, removed the session), after the ledger woke its own tails. Never throws: the
    /// write has committed, and a tail that misses it reads again within ``tailPollInterval``.
    func announceCommit(_ key: Int64, purged: Bool) async

    // MARK: Sessions

    func createSession(_ record: SessionRecord) async throws
    func sessionRecord(_ scope: TenantScope, _ id: String) async throws -> SessionRecord?
    /// The session `scope` names `id`; ``LedgerError/sessionNotFound(_:)`` when there is none.
    func sessionRef(_ scope: TenantScope, _ id: String) async throws -> SessionRef
    func listSessions(in scope: TenantScope) async throws -> [Session]
    func sessions(matching query: SessionQuery, cursor: SessionCursor?, in scope: TenantScope) async throws
        -> SessionPage
    func nextSeq(in sessionID: String, scope: TenantScope) async throws -> Int
    /// The usage of one session's own entries (`sessionID`), or of a tenant's sessions
    /// (`tenant`; nil: the sessions without one).
    func usageTotals(in scope: TenantScope, session sessionID: String?, tenant: String?) async throws -> UsageTotals
    func fork(
        _ sessionID: String, in scope: TenantScope, at seq: Int, as newID: String, metadata: String, createdAt: Date
    ) async throws -> SessionRecord
    /// The purged sessions, forks first, each with its audit record.
    func purge(
        _ sessionID: String, in scope: TenantScope, reason: String, requestedBy: String, includingForks: Bool
    ) async throws -> [(PurgeRecord, SessionRef)]
    func purgeAudit(in scope: TenantScope) async throws -> [PurgeRecord]

    // MARK: API keys

    func insertAPIKey(_ key: APIKey, hash: Data) async throws
    func apiKeys() async throws -> [APIKey]
    /// Whether an active key had this id (and is revoked now).
    func revokeAPIKey(id: String, at revokedAt: Date) async throws -> Bool
    func hasActiveAPIKeys() async throws -> Bool
    /// The active key with this id and its stored hash.
    func activeAPIKey(id: String) async throws -> (APIKey, Data)?

    // MARK: The log

    /// Appends a message (a summary when `message.summarizes` is set: its range is checked with
    /// ``Ledger/requireSummaryRange(_:next:split:)``).
    func append(
        _ message: Ledger.PendingMessage, to sessionID: String, in scope: TenantScope, expectedSeq: Int?,
        idempotencyKey: String?
    ) async throws -> (Entry, SessionRef)
    func rewind(
        _ sessionID: String, in scope: TenantScope, to seq: Int, expectedSeq: Int?, idempotencyKey: String?,
        discardingOpenTurn: Bool
    ) async throws -> (Entry, SessionRef)
    /// A session's history (rewinds applied), read as `read` says, from one snapshot.
    func history(of sessionID: String, in scope: TenantScope, _ read: HistoryRead) async throws -> [Entry]
    /// The session's committed log after `seq` as a tail hands it out, rewind markers included;
    /// ``LedgerError/sessionNotFound(_:)`` once the session is purged.
    func tailEntries(of session: SessionRef, after seq: Int) async throws -> [Entry]

    // MARK: Turns

    func openTurn(
        in sessionID: String, scope: TenantScope, parts: [ContentPart], encodedParts: String, calls: [ToolCall],
        expectedSeq: Int?, idempotencyKey: String?, usage: TokenUsage?
    ) async throws -> Turn
    func recordResult(_ result: Ledger.PendingResult, in sessionID: String, scope: TenantScope) async throws
        -> ToolResult
    /// The committed turn, and its session when this call committed it (nil: a retry that found
    /// the turn committed already). With `result`, that result is recorded first, in the same
    /// transaction; a retry of such a commit that landed finds the result in the session's newest
    /// committed turn with calls, and returns that turn.
    func commitTurn(
        in sessionID: String, scope: TenantScope, turnSeq: Int?, recording result: Ledger.PendingResult?
    ) async throws -> (Turn, SessionRef?)
    func cancelTurn(in sessionID: String, scope: TenantScope, reason: String) async throws -> (Turn, SessionRef)
    func currentTurn(in sessionID: String, scope: TenantScope) async throws -> Turn?
    func openTurns(in scope: TenantScope) async throws -> [Turn]
    /// Closes with an `interrupted` result the open turns of one session (`sessionID`) or of the
    /// scope, leaving those written to after `idleSince`.
    func recover(_ sessionID: String?, in scope: TenantScope, idleSince: Date?) async throws -> [(Turn, SessionRef)]
    func importSteps(
        _ steps: [Ledger.PreparedStep], into sessionID: String, in scope: TenantScope, creatingIn tenant: String?
    ) async throws -> ([Entry], SessionRef)

    // MARK: Reading across sessions

    func search(_ query: SearchQuery, in scope: TenantScope) async throws -> [SearchHit]
    func toolStats(in scope: TenantScope, tenant: String?, sessionId: String?, since: Date?) async throws -> [ToolStats]
    func verify() async throws -> VerificationReport

    // MARK: Interchange

    func export(to handle: FileHandle, scope: TenantScope) async throws -> ExportSummary
    func importExport(from url: URL, scope: TenantScope) async throws -> ExportSummary
}

/// Which part of a session's history a read returns.
enum HistoryRead: Sendable {
    /// All of it.
    case all
    /// As it stood when its last seq was this one (``LedgerError/seqInsideTurn(sessionID:seq:turn:)``
    /// when it never ended there).
    case asOf(Int)
    /// The messages in this range, as the history stood at its end; a turn is never cut.
    case seqs(ClosedRange<Int>)
    /// Up to `limit` messages after seq `after`, each assistant entry with all its results.
    case after(Int, limit: Int)
}
