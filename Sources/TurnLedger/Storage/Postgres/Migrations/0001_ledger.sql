-- TurnLedger on PostgreSQL, migration 0001: the tables of the ledger and the invariants the
-- database keeps itself, whoever writes (issue 16). The rules are those of the SQLite schema
-- (docs/schema.md); docs/postgres.md says where the two differ and why.
--
-- Stored texts keep their exact bytes, as in SQLite, so that the hash chain's canonical bytes and
-- the export are the same on both engines: `parts` and `metadata` are `json` (validated, kept as
-- written, unlike `jsonb`), timestamps are the same ISO-8601 text, the hash is `bytea`. A call's id,
-- name and arguments are what a model produced and may hold a NUL character, which PostgreSQL's
-- text cannot: they are `bytea`, their UTF-8 bytes.

CREATE TABLE session (
    key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Byte order (COLLATE "C"), as SQLite compares text: lists and their cursors order the same.
    id text COLLATE "C" NOT NULL CHECK (length(id) > 0),
    tenant text COLLATE "C" CHECK (tenant IS NULL OR length(tenant) > 0),
    metadata json NOT NULL DEFAULT '{}' CHECK (json_typeof(metadata) = 'object'),
    createdAt text NOT NULL,
    -- A fork continues its parent's history after (parentKey, parentSeq).
    parentKey bigint REFERENCES session(key),
    parentSeq bigint CHECK (parentSeq >= 1),
    lastActivityAt text COLLATE "C",
    CHECK ((parentKey IS NULL) = (parentSeq IS NULL))
);
-- A session is named by its tenant and its id.
CREATE UNIQUE INDEX sessionByName ON session (id, coalesce(tenant, ''));
CREATE INDEX sessionByActivity ON session (lastActivityAt, id);
CREATE INDEX sessionByTenantActivity ON session (tenant, lastActivityAt, id);
CREATE INDEX sessionByParent ON session (parentKey, parentSeq) WHERE parentKey IS NOT NULL;

-- The log.
CREATE TABLE entry (
    sessionKey bigint NOT NULL REFERENCES session(key),
    seq bigint NOT NULL CHECK (seq >= 1),
    role text NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant')),
    parts json NOT NULL CHECK (json_typeof(parts) = 'array'),
    callCount integer NOT NULL DEFAULT 0 CHECK (callCount >= 0 AND (callCount = 0 OR role = 'assistant')),
    idempotencyKey text CHECK (idempotencyKey IS NULL OR length(idempotencyKey) > 0),
    createdAt text NOT NULL,
    summaryFrom bigint,
    summaryTo bigint,
    rewindTo bigint,
    PRIMARY KEY (sessionKey, seq),
    CHECK ((summaryFrom IS NULL) = (summaryTo IS NULL)),
    CHECK (summaryFrom IS NULL OR (1 <= summaryFrom AND summaryFrom <= summaryTo AND summaryTo < seq AND callCount = 0)),
    CHECK (rewindTo IS NULL OR (rewindTo >= 0 AND rewindTo < seq AND role = 'user' AND parts::text = '[]'
        AND callCount = 0 AND summaryFrom IS NULL))
);
CREATE UNIQUE INDEX entryByIdempotencyKey ON entry (sessionKey, idempotencyKey) WHERE idempotencyKey IS NOT NULL;
CREATE INDEX entryRewinds ON entry (sessionKey, seq) WHERE rewindTo IS NOT NULL;

-- A call and its result reference each other, id included, and both references are checked at
-- COMMIT: a transaction that commits one without the other fails whole.
CREATE TABLE toolCall (
    sessionKey bigint NOT NULL,
    turnSeq bigint NOT NULL,
    position integer NOT NULL CHECK (position >= 0),
    callId bytea NOT NULL CHECK (length(callId) > 0),
    name bytea NOT NULL CHECK (length(name) > 0),
    arguments bytea NOT NULL,
    PRIMARY KEY (sessionKey, turnSeq, position),
    -- Ids are unique within a turn only: some providers reuse `call_0` in every turn.
    UNIQUE (sessionKey, turnSeq, callId),
    UNIQUE (sessionKey, turnSeq, position, callId),
    FOREIGN KEY (sessionKey, turnSeq) REFERENCES entry (sessionKey, seq) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE toolResult (
    sessionKey bigint NOT NULL,
    turnSeq bigint NOT NULL,
    position integer NOT NULL CHECK (position >= 0),
    callId bytea NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('success', 'error', 'cancelled', 'interrupted')),
    parts json NOT NULL CHECK (json_typeof(parts) = 'array'),
    recordedAt text NOT NULL,
    PRIMARY KEY (sessionKey, turnSeq, position),
    UNIQUE (sessionKey, turnSeq, position, callId),
    FOREIGN KEY (sessionKey, turnSeq, position, callId) REFERENCES toolCall (sessionKey, turnSeq, position, callId)
        DEFERRABLE INITIALLY DEFERRED
);

ALTER TABLE toolCall ADD CONSTRAINT toolCallNeedsItsResult
    FOREIGN KEY (sessionKey, turnSeq, position, callId) REFERENCES toolResult (sessionKey, turnSeq, position, callId)
    DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE entryUsage (
    sessionKey bigint NOT NULL,
    seq bigint NOT NULL,
    model text CHECK (model IS NULL OR length(model) > 0),
    inputTokens bigint CHECK (inputTokens >= 0),
    outputTokens bigint CHECK (outputTokens >= 0),
    cachedTokens bigint CHECK (cachedTokens >= 0),
    reasoningTokens bigint CHECK (reasoningTokens >= 0),
    PRIMARY KEY (sessionKey, seq),
    FOREIGN KEY (sessionKey, seq) REFERENCES entry (sessionKey, seq)
);

CREATE TABLE logHash (
    sessionKey bigint NOT NULL,
    seq bigint NOT NULL,
    hash bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (sessionKey, seq)
);

-- Staging: the open turn of a session, its calls and the results recorded so far.
CREATE TABLE openTurn (
    sessionKey bigint PRIMARY KEY REFERENCES session(key),
    seq bigint NOT NULL CHECK (seq >= 1),
    parts json NOT NULL CHECK (json_typeof(parts) = 'array'),
    callCount integer NOT NULL CHECK (callCount >= 1),
    idempotencyKey text CHECK (idempotencyKey IS NULL OR length(idempotencyKey) > 0),
    openedAt text NOT NULL,
    usage json CHECK (usage IS NULL OR json_typeof(usage) = 'object')
);

CREATE TABLE openCall (
    sessionKey bigint NOT NULL REFERENCES openTurn(sessionKey),
    position integer NOT NULL CHECK (position >= 0),
    callId bytea NOT NULL CHECK (length(callId) > 0),
    name bytea NOT NULL CHECK (length(name) > 0),
    arguments bytea NOT NULL,
    PRIMARY KEY (sessionKey, position),
    UNIQUE (sessionKey, callId)
);

CREATE TABLE openResult (
    sessionKey bigint NOT NULL,
    position integer NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('success', 'error', 'cancelled', 'interrupted')),
    parts json NOT NULL CHECK (json_typeof(parts) = 'array'),
    recordedAt text NOT NULL,
    PRIMARY KEY (sessionKey, position),
    FOREIGN KEY (sessionKey, position) REFERENCES openCall (sessionKey, position)
);

-- Purges: the one way rows of the log leave, a whole session at a time, audited.
CREATE TABLE purgeInProgress (
    sessionKey bigint PRIMARY KEY
);

CREATE TABLE purgeAudit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sessionId text NOT NULL,
    tenant text,
    requestedBy text NOT NULL CHECK (length(requestedBy) > 0),
    reason text NOT NULL CHECK (length(reason) > 0),
    purgedAt text NOT NULL,
    rowCount bigint NOT NULL CHECK (rowCount >= 0)
);

CREATE TABLE apiKey (
    id text PRIMARY KEY CHECK (length(id) > 0),
    tenant text NOT NULL CHECK (length(tenant) > 0),
    name text,
    hash bytea NOT NULL CHECK (length(hash) = 32),
    createdAt text NOT NULL,
    revokedAt text
);

-- Search rows: one per text part group of an entry, per call's arguments, per result with text
-- (as in SQLite, docs/schema.md "Search"), written with the log rows they describe. A trigram index
-- (pg_trgm, a trusted extension of Debian's postgresql package) finds a word of any script,
-- English, Russian or Japanese alike, with no dictionary, and case-insensitively (ILIKE).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE searchDoc (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sessionKey bigint NOT NULL REFERENCES session(key),
    seq bigint NOT NULL,
    kind text NOT NULL CHECK (kind IN ('message', 'arguments', 'result')),
    role text NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant', 'tool')),
    toolName text,
    position integer CHECK ((kind = 'message') = (position IS NULL)),
    body text NOT NULL
);
CREATE INDEX searchDocBySession ON searchDoc (sessionKey, seq);
CREATE INDEX searchDocText ON searchDoc USING gin (body gin_trgm_ops);

-- The seq the next entry of each session must take.
CREATE VIEW sessionNextSeq AS
SELECT
    s.key AS sessionKey,
    coalesce(
        (SELECT e.seq + e.callCount + 1 FROM entry e WHERE e.sessionKey = s.key ORDER BY e.seq DESC LIMIT 1),
        coalesce(s.parentSeq, 0) + 1
    ) AS seq
FROM session s;

-- The log is append-only: UPDATE and DELETE fail, except the rows of a session being purged.
CREATE FUNCTION ledgerRefuseChange() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.sessionKey) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the entry log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER entryIsAppendOnly BEFORE UPDATE OR DELETE ON entry
    FOR EACH ROW EXECUTE FUNCTION ledgerRefuseChange();
CREATE TRIGGER toolCallIsAppendOnly BEFORE UPDATE OR DELETE ON toolCall
    FOR EACH ROW EXECUTE FUNCTION ledgerRefuseChange();
CREATE TRIGGER toolResultIsAppendOnly BEFORE UPDATE OR DELETE ON toolResult
    FOR EACH ROW EXECUTE FUNCTION ledgerRefuseChange();
CREATE TRIGGER entryUsageIsAppendOnly BEFORE UPDATE OR DELETE ON entryUsage
    FOR EACH ROW EXECUTE FUNCTION ledgerRefuseChange();
CREATE TRIGGER logHashIsAppendOnly BEFORE UPDATE OR DELETE ON logHash
    FOR EACH ROW EXECUTE FUNCTION ledgerRefuseChange();
CREATE TRIGGER searchDocIsAppendOnly BEFORE UPDATE OR DELETE ON searchDoc
    FOR EACH ROW EXECUTE FUNCTION ledgerRefuseChange();
-- TRUNCATE skips row triggers: it is refused on the log as a whole.
CREATE FUNCTION ledgerRefuseTruncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the entry log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER logIsNotTruncated BEFORE TRUNCATE ON entry
    FOR EACH STATEMENT EXECUTE FUNCTION ledgerRefuseTruncate();
CREATE TRIGGER callsAreNotTruncated BEFORE TRUNCATE ON toolCall
    FOR EACH STATEMENT EXECUTE FUNCTION ledgerRefuseTruncate();
CREATE TRIGGER resultsAreNotTruncated BEFORE TRUNCATE ON toolResult
    FOR EACH STATEMENT EXECUTE FUNCTION ledgerRefuseTruncate();
CREATE TRIGGER hashesAreNotTruncated BEFORE TRUNCATE ON logHash
    FOR EACH STATEMENT EXECUTE FUNCTION ledgerRefuseTruncate();

CREATE FUNCTION sessionIsDeletedOnlyByPurge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.key) THEN
        RAISE EXCEPTION 'a session is deleted only by a purge' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER sessionIsDeletedOnlyByPurge BEFORE DELETE ON session
    FOR EACH ROW EXECUTE FUNCTION sessionIsDeletedOnlyByPurge();

CREATE FUNCTION purgeAuditIsAppendOnly() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the purge audit is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER purgeAuditIsAppendOnly BEFORE UPDATE OR DELETE ON purgeAudit
    FOR EACH ROW EXECUTE FUNCTION purgeAuditIsAppendOnly();

CREATE FUNCTION apiKeyIsOnlyRevoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.tenant IS DISTINCT FROM OLD.tenant OR NEW.hash IS DISTINCT FROM OLD.hash
        OR NEW.createdAt IS DISTINCT FROM OLD.createdAt OR OLD.revokedAt IS NOT NULL THEN
        RAISE EXCEPTION 'an API key can only be revoked, once' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER apiKeyIsOnlyRevoked BEFORE UPDATE ON apiKey
    FOR EACH ROW EXECUTE FUNCTION apiKeyIsOnlyRevoked();

-- Whether `target` of the history `sessionKey` reads lies inside a turn (from the assistant entry to
-- the last result but one): its own rows, then each ancestor's up to the fork point.
CREATE FUNCTION ledgerSplitsTurn(sessionKey bigint, target bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
    WITH RECURSIVE lineage(owner, lastSeq) AS (
        SELECT sessionKey, 9223372036854775807::bigint
        UNION ALL
        SELECT s.parentKey, least(l.lastSeq, s.parentSeq)
        FROM lineage l JOIN session s ON s.key = l.owner
        WHERE s.parentKey IS NOT NULL)
    SELECT e.seq FROM lineage l
    JOIN entry e ON e.sessionKey = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
    WHERE e.seq <= target AND target < e.seq + e.callCount
    LIMIT 1
$$;

-- An entry, or the turn staged to become one, takes the next seq of its session (dense seqs).
-- PostgreSQL runs a table's BEFORE triggers by name: entryIsInPlace, then entryTakesTheNextSeq.
CREATE FUNCTION ledgerTakesTheNextSeq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS DISTINCT FROM (SELECT seq FROM sessionNextSeq WHERE sessionKey = NEW.sessionKey) THEN
        RAISE EXCEPTION 'an entry must take the next seq of its session' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER entryTakesTheNextSeq BEFORE INSERT ON entry FOR EACH ROW EXECUTE FUNCTION ledgerTakesTheNextSeq();
CREATE TRIGGER openTurnTakesTheNextSeq BEFORE INSERT ON openTurn
    FOR EACH ROW EXECUTE FUNCTION ledgerTakesTheNextSeq();

-- What else an entry must be when it is inserted: not while a turn is open, and a summary or a
-- rewind lands between turns.
CREATE FUNCTION entryIsInPlace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM openTurn WHERE sessionKey = NEW.sessionKey) THEN
        RAISE EXCEPTION 'the session has an open turn' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.summaryTo IS NOT NULL AND (ledgerSplitsTurn(NEW.sessionKey, NEW.summaryTo) IS NOT NULL
        OR ledgerSplitsTurn(NEW.sessionKey, NEW.summaryFrom - 1) IS NOT NULL) THEN
        RAISE EXCEPTION 'a summary must cover whole turns' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.rewindTo IS NOT NULL AND ledgerSplitsTurn(NEW.sessionKey, NEW.rewindTo) IS NOT NULL THEN
        RAISE EXCEPTION 'a rewind must land between turns' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER entryIsInPlace BEFORE INSERT ON entry FOR EACH ROW EXECUTE FUNCTION entryIsInPlace();

-- At COMMIT, an assistant entry with k calls has exactly the calls at positions 0..k-1 (each with
-- its result, by the keys above), and an entry without calls has none.
CREATE FUNCTION entryHasItsCalls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM toolCall WHERE sessionKey = NEW.sessionKey AND turnSeq = NEW.seq) <> NEW.callCount
        OR EXISTS (SELECT 1 FROM toolCall WHERE sessionKey = NEW.sessionKey AND turnSeq = NEW.seq
                   AND position >= NEW.callCount) THEN
        RAISE EXCEPTION 'a tool call cannot be committed without its result'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER entryHasItsCalls AFTER INSERT ON entry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION entryHasItsCalls();

-- A call belongs to an assistant entry that made that many calls (checked at COMMIT, when the
-- entry is there).
CREATE FUNCTION callHasItsEntry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM entry WHERE sessionKey = NEW.sessionKey AND seq = NEW.turnSeq
                   AND NEW.position < callCount) THEN
        RAISE EXCEPTION 'a tool call cannot be committed without its result'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER callHasItsEntry AFTER INSERT ON toolCall DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION callHasItsEntry();


CREATE FUNCTION usageBelongsToAnAssistantEntry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT role FROM entry WHERE sessionKey = NEW.sessionKey AND seq = NEW.seq) IS DISTINCT FROM 'assistant' THEN
        RAISE EXCEPTION 'usage belongs to an assistant entry' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER usageBelongsToAnAssistantEntry BEFORE INSERT ON entryUsage
    FOR EACH ROW EXECUTE FUNCTION usageBelongsToAnAssistantEntry();

-- Activity: the latest of a session's creation, entries, opened turn and recorded results.
CREATE FUNCTION ledgerMarksActivity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    at text;
BEGIN
    -- The one time column of each table. (Not through to_jsonb(NEW): jsonb refuses the \u0000 a
    -- stored text may hold.)
    IF TG_TABLE_NAME = 'entry' THEN
        at := NEW.createdAt;
    ELSIF TG_TABLE_NAME = 'openturn' THEN
        at := NEW.openedAt;
    ELSE
        at := NEW.recordedAt;
    END IF;
    UPDATE session SET lastActivityAt = greatest(coalesce(lastActivityAt, ''), at) WHERE key = NEW.sessionKey;
    RETURN NULL;
END $$;
CREATE TRIGGER entryMarksActivity AFTER INSERT ON entry FOR EACH ROW EXECUTE FUNCTION ledgerMarksActivity();
CREATE TRIGGER openTurnMarksActivity AFTER INSERT ON openTurn FOR EACH ROW EXECUTE FUNCTION ledgerMarksActivity();
CREATE TRIGGER openResultMarksActivity AFTER INSERT ON openResult FOR EACH ROW EXECUTE FUNCTION ledgerMarksActivity();

-- Sessions: created active; their id, tenant, creation time and lineage never change; a fork starts
-- after a whole turn of its parent, in its parent's tenant.
CREATE FUNCTION sessionIsInPlace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.lastActivityAt IS NULL THEN
        NEW.lastActivityAt := NEW.createdAt;
    END IF;
    IF NEW.parentKey IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM session WHERE key = NEW.parentKey)
            OR NEW.parentSeq >= (SELECT seq FROM sessionNextSeq WHERE sessionKey = NEW.parentKey)
            OR ledgerSplitsTurn(NEW.parentKey, NEW.parentSeq) IS NOT NULL THEN
            RAISE EXCEPTION 'a fork must start after a whole turn of its parent'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.tenant IS DISTINCT FROM (SELECT tenant FROM session WHERE key = NEW.parentKey) THEN
            RAISE EXCEPTION 'a fork belongs to its parent''s tenant' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sessionIsInPlace BEFORE INSERT ON session FOR EACH ROW EXECUTE FUNCTION sessionIsInPlace();

CREATE FUNCTION sessionIdentityIsFixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key IS DISTINCT FROM OLD.key OR NEW.id IS DISTINCT FROM OLD.id OR NEW.tenant IS DISTINCT FROM OLD.tenant
        OR NEW.createdAt IS DISTINCT FROM OLD.createdAt OR NEW.parentKey IS DISTINCT FROM OLD.parentKey
        OR NEW.parentSeq IS DISTINCT FROM OLD.parentSeq THEN
        RAISE EXCEPTION 'a session''s id, tenant and lineage cannot change' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sessionIdentityIsFixed BEFORE UPDATE ON session FOR EACH ROW EXECUTE FUNCTION sessionIdentityIsFixed();
