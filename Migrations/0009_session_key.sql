-- Sessions named by (tenant, id), and an integer session key in the log (issue 13).
--
-- Until now a session id was unique in the whole store: a tenant that chose an id another
-- tenant already used was told so (a conflict), which leaked that the id existed elsewhere.
-- A session is now named by its tenant and its id; `session.key`, an integer the store
-- assigns, is what every log, staging, hash and search row refers to (it replaces the text id
-- repeated in every row and every index of the log). The hash chain's canonical content never
-- held the session id, so every stored hash stays valid.
--
-- The tables are rebuilt (create, copy, drop, rename); every trigger and view over them is
-- dropped first and made again below over the new columns, with the same names and rules.
-- The search rows and the FTS index are written again from the log by the follow-up
-- (`SearchIndex.rebuild`), which also hashes any row a database before 0005 left unhashed.

DROP VIEW sessionNextSeq;
DROP VIEW searchSource;
DROP TABLE searchText;

DROP TRIGGER entryIsAppendOnlyOnUpdate;
DROP TRIGGER entryIsAppendOnlyOnDelete;
DROP TRIGGER entrySealsACompleteTurn;
DROP TRIGGER entryWithoutCallsHasNoToolRows;
DROP TRIGGER entryWaitsForTheOpenTurn;
DROP TRIGGER entryTakesTheNextSeq;
DROP TRIGGER summaryCoversWholeTurnsOfItsHistory;
DROP TRIGGER entryMarksActivity;
DROP TRIGGER toolCallIsAppendOnlyOnUpdate;
DROP TRIGGER toolCallIsAppendOnlyOnDelete;
DROP TRIGGER toolCallNeedsItsResult;
DROP TRIGGER toolResultIsAppendOnlyOnUpdate;
DROP TRIGGER toolResultIsAppendOnlyOnDelete;
DROP TRIGGER toolResultComesFromAnOpenTurn;
DROP TRIGGER openTurnTakesTheNextSeq;
DROP TRIGGER openTurnMarksActivity;
DROP TRIGGER openResultMarksActivity;
DROP TRIGGER usageBelongsToAnAssistantEntry;
DROP TRIGGER entryUsageIsAppendOnlyOnUpdate;
DROP TRIGGER entryUsageIsAppendOnlyOnDelete;
DROP TRIGGER logHashIsAppendOnlyOnUpdate;
DROP TRIGGER logHashIsAppendOnlyOnDelete;
DROP TRIGGER searchDocIsAppendOnlyOnUpdate;
DROP TRIGGER searchDocIsAppendOnlyOnDelete;
DROP TRIGGER searchDocIsUnindexed;
DROP TRIGGER searchIndexMovesForward;
DROP TRIGGER searchIndexedIsKept;
DROP TRIGGER sessionStartsActive;
DROP TRIGGER sessionIdentityIsFixed;
DROP TRIGGER forkStartsAfterAWholeTurn;
DROP TRIGGER forkKeepsItsParentsTenant;
DROP TRIGGER sessionIsDeletedOnlyByPurge;

-- 1. Sessions.
CREATE TABLE newSession (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL CHECK (length(id) > 0),
    tenant TEXT CHECK (tenant IS NULL OR length(tenant) > 0),
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
    createdAt TEXT NOT NULL,
    -- A fork continues its parent's history after (parentKey, parentSeq).
    parentKey INTEGER REFERENCES session(key),
    parentSeq INTEGER CHECK (parentSeq >= 1),
    lastActivityAt TEXT,
    CHECK ((parentKey IS NULL) = (parentSeq IS NULL))
) STRICT;

INSERT INTO newSession (key, id, tenant, metadata, createdAt, parentKey, parentSeq, lastActivityAt)
SELECT s.rowid, s.id, s.tenant, s.metadata, s.createdAt, p.rowid, CASE WHEN p.rowid IS NULL THEN NULL ELSE s.parentSeq END,
    s.lastActivityAt
FROM session s LEFT JOIN session p ON p.id = s.parentSessionId;

-- 2. The log.
CREATE TABLE newEntry (
    sessionKey INTEGER NOT NULL REFERENCES session(key),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant')),
    parts TEXT NOT NULL CHECK (json_valid(parts) AND substr(parts, 1, 1) = '['),  -- one JSON parse per insert
    callCount INTEGER NOT NULL DEFAULT 0 CHECK (callCount >= 0 AND (callCount = 0 OR role = 'assistant')),
    idempotencyKey TEXT CHECK (idempotencyKey IS NULL OR length(idempotencyKey) > 0),
    createdAt TEXT NOT NULL,
    summaryFrom INTEGER,
    summaryTo INTEGER,
    PRIMARY KEY (sessionKey, seq),
    CHECK ((summaryFrom IS NULL) = (summaryTo IS NULL)),
    CHECK (summaryFrom IS NULL OR (1 <= summaryFrom AND summaryFrom <= summaryTo AND summaryTo < seq AND callCount = 0))
) STRICT, WITHOUT ROWID;

INSERT INTO newEntry (sessionKey, seq, role, parts, callCount, idempotencyKey, createdAt, summaryFrom, summaryTo)
SELECT s.key, e.seq, e.role, e.parts, e.callCount, e.idempotencyKey, e.createdAt, e.summaryFrom, e.summaryTo
FROM entry e JOIN newSession s ON s.id = e.sessionId;

CREATE TABLE newToolCall (
    sessionKey INTEGER NOT NULL,
    turnSeq INTEGER NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    callId TEXT NOT NULL CHECK (length(callId) > 0),
    name TEXT NOT NULL CHECK (length(name) > 0),
    arguments TEXT NOT NULL,
    PRIMARY KEY (sessionKey, turnSeq, position),
    -- Ids are unique within a turn only: some providers reuse `call_0` in every turn.
    UNIQUE (sessionKey, turnSeq, callId),
    FOREIGN KEY (sessionKey, turnSeq) REFERENCES entry(sessionKey, seq)
        DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (sessionKey, turnSeq, position) REFERENCES toolResult(sessionKey, turnSeq, position)
        DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

INSERT INTO newToolCall (sessionKey, turnSeq, position, callId, name, arguments)
SELECT s.key, c.turnSeq, c.position, c.callId, c.name, c.arguments
FROM toolCall c JOIN newSession s ON s.id = c.sessionId;

CREATE TABLE newToolResult (
    sessionKey INTEGER NOT NULL,
    turnSeq INTEGER NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    seq INTEGER NOT NULL GENERATED ALWAYS AS (turnSeq + 1 + position) VIRTUAL,
    callId TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'error', 'cancelled', 'interrupted')),
    parts TEXT NOT NULL CHECK (json_valid(parts) AND substr(parts, 1, 1) = '['),  -- one JSON parse per insert
    recordedAt TEXT NOT NULL,
    PRIMARY KEY (sessionKey, turnSeq, position),
    FOREIGN KEY (sessionKey, turnSeq, position) REFERENCES toolCall(sessionKey, turnSeq, position)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;

INSERT INTO newToolResult (sessionKey, turnSeq, position, callId, outcome, parts, recordedAt)
SELECT s.key, r.turnSeq, r.position, r.callId, r.outcome, r.parts, r.recordedAt
FROM toolResult r JOIN newSession s ON s.id = r.sessionId;

CREATE TABLE newEntryUsage (
    sessionKey INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    model TEXT CHECK (model IS NULL OR length(model) > 0),
    inputTokens INTEGER CHECK (inputTokens >= 0),
    outputTokens INTEGER CHECK (outputTokens >= 0),
    cachedTokens INTEGER CHECK (cachedTokens >= 0),
    reasoningTokens INTEGER CHECK (reasoningTokens >= 0),
    PRIMARY KEY (sessionKey, seq),
    FOREIGN KEY (sessionKey, seq) REFERENCES entry(sessionKey, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO newEntryUsage (sessionKey, seq, model, inputTokens, outputTokens, cachedTokens, reasoningTokens)
SELECT s.key, u.seq, u.model, u.inputTokens, u.outputTokens, u.cachedTokens, u.reasoningTokens
FROM entryUsage u JOIN newSession s ON s.id = u.sessionId;

CREATE TABLE newLogHash (
    sessionKey INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (sessionKey, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO newLogHash (sessionKey, seq, hash)
SELECT s.key, h.seq, h.hash FROM logHash h JOIN newSession s ON s.id = h.sessionId;

-- 3. Staging.
CREATE TABLE newOpenTurn (
    sessionKey INTEGER PRIMARY KEY NOT NULL REFERENCES session(key),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    parts TEXT NOT NULL CHECK (substr(parts, 1, 1) = '['),
    callCount INTEGER NOT NULL CHECK (callCount >= 1),
    idempotencyKey TEXT CHECK (idempotencyKey IS NULL OR length(idempotencyKey) > 0),
    openedAt TEXT NOT NULL,
    usage TEXT CHECK (usage IS NULL OR (json_valid(usage) AND json_type(usage) = 'object'))
) STRICT;

INSERT INTO newOpenTurn (sessionKey, seq, parts, callCount, idempotencyKey, openedAt, usage)
SELECT s.key, t.seq, t.parts, t.callCount, t.idempotencyKey, t.openedAt, t.usage
FROM openTurn t JOIN newSession s ON s.id = t.sessionId;

CREATE TABLE newOpenCall (
    sessionKey INTEGER NOT NULL REFERENCES openTurn(sessionKey),
    position INTEGER NOT NULL CHECK (position >= 0),
    callId TEXT NOT NULL CHECK (length(callId) > 0),
    name TEXT NOT NULL CHECK (length(name) > 0),
    arguments TEXT NOT NULL,
    PRIMARY KEY (sessionKey, position),
    UNIQUE (sessionKey, callId)
) STRICT, WITHOUT ROWID;

INSERT INTO newOpenCall (sessionKey, position, callId, name, arguments)
SELECT s.key, c.position, c.callId, c.name, c.arguments
FROM openCall c JOIN newSession s ON s.id = c.sessionId;

CREATE TABLE newOpenResult (
    sessionKey INTEGER NOT NULL,
    position INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'error', 'cancelled', 'interrupted')),
    parts TEXT NOT NULL CHECK (substr(parts, 1, 1) = '['),
    recordedAt TEXT NOT NULL,
    PRIMARY KEY (sessionKey, position),
    FOREIGN KEY (sessionKey, position) REFERENCES openCall(sessionKey, position)
) STRICT;

INSERT INTO newOpenResult (sessionKey, position, outcome, parts, recordedAt)
SELECT s.key, r.position, r.outcome, r.parts, r.recordedAt
FROM openResult r JOIN newSession s ON s.id = r.sessionId;

-- 4. Search rows (written again by the follow-up) and purge marks (none outside a purge).
CREATE TABLE newSearchDoc (
    id INTEGER PRIMARY KEY,
    sessionKey INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'arguments', 'result')),
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant', 'tool')),
    toolName TEXT,
    position INTEGER CHECK ((kind = 'message') = (position IS NULL)),
    scope TEXT GENERATED ALWAYS AS ('s' || sessionKey) VIRTUAL
) STRICT;

CREATE TABLE newPurgeInProgress (
    sessionKey INTEGER PRIMARY KEY NOT NULL
) STRICT;

DROP TABLE searchIndexed;
DROP TABLE searchDoc;
DROP TABLE purgeInProgress;
DROP TABLE openResult;
DROP TABLE openCall;
DROP TABLE openTurn;
DROP TABLE logHash;
DROP TABLE entryUsage;
DROP TABLE toolResult;
DROP TABLE toolCall;
DROP TABLE entry;
DROP TABLE session;

ALTER TABLE newSession RENAME TO session;
ALTER TABLE newEntry RENAME TO entry;
ALTER TABLE newToolCall RENAME TO toolCall;
ALTER TABLE newToolResult RENAME TO toolResult;
ALTER TABLE newEntryUsage RENAME TO entryUsage;
ALTER TABLE newLogHash RENAME TO logHash;
ALTER TABLE newOpenTurn RENAME TO openTurn;
ALTER TABLE newOpenCall RENAME TO openCall;
ALTER TABLE newOpenResult RENAME TO openResult;
ALTER TABLE newSearchDoc RENAME TO searchDoc;
ALTER TABLE newPurgeInProgress RENAME TO purgeInProgress;

-- A session is named by its tenant and its id (a session without a tenant by its id among those
-- without one). The index also finds every session of an id, whatever its tenant.
CREATE UNIQUE INDEX sessionByName ON session(id, ifnull(tenant, ''));
CREATE INDEX sessionByCreation ON session(createdAt, id);
CREATE INDEX sessionByActivity ON session(lastActivityAt, id);
CREATE INDEX sessionByTenantActivity ON session(tenant, lastActivityAt, id);
CREATE INDEX sessionByParent ON session(parentKey, parentSeq) WHERE parentKey IS NOT NULL;
CREATE UNIQUE INDEX entryByIdempotencyKey ON entry(sessionKey, idempotencyKey) WHERE idempotencyKey IS NOT NULL;
CREATE INDEX searchDocBySession ON searchDoc(sessionKey, seq);

-- The seq the next entry of each session must take (0001).
CREATE VIEW sessionNextSeq AS
SELECT
    s.key AS sessionKey,
    COALESCE(
        (SELECT e.seq + e.callCount + 1 FROM entry e WHERE e.sessionKey = s.key ORDER BY e.seq DESC LIMIT 1),
        COALESCE(s.parentSeq, 0) + 1
    ) AS seq
FROM session s;

-- 5. The guards of 0004, 0005 and 0007 over the new columns.
CREATE TRIGGER entryIsAppendOnlyOnUpdate BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER entryIsAppendOnlyOnDelete BEFORE DELETE ON entry
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.sessionKey)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolCallIsAppendOnlyOnUpdate BEFORE UPDATE ON toolCall
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolCallIsAppendOnlyOnDelete BEFORE DELETE ON toolCall
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.sessionKey)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolResultIsAppendOnlyOnUpdate BEFORE UPDATE ON toolResult
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolResultIsAppendOnlyOnDelete BEFORE DELETE ON toolResult
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.sessionKey)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER entryUsageIsAppendOnlyOnUpdate BEFORE UPDATE ON entryUsage
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER entryUsageIsAppendOnlyOnDelete BEFORE DELETE ON entryUsage
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.sessionKey)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER logHashIsAppendOnlyOnUpdate BEFORE UPDATE ON logHash
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER logHashIsAppendOnlyOnDelete BEFORE DELETE ON logHash
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.sessionKey)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER sessionIsDeletedOnlyByPurge BEFORE DELETE ON session
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.key)
BEGIN SELECT RAISE(ABORT, 'a session is deleted only by a purge'); END;

CREATE TRIGGER toolCallNeedsItsResult BEFORE INSERT ON toolCall
WHEN NOT EXISTS (
    SELECT 1 FROM toolResult r
    WHERE r.sessionKey = NEW.sessionKey AND r.turnSeq = NEW.turnSeq
      AND r.position = NEW.position AND r.callId = NEW.callId)
BEGIN SELECT RAISE(ROLLBACK, 'a tool call cannot be committed without its result'); END;

CREATE TRIGGER toolResultComesFromAnOpenTurn BEFORE INSERT ON toolResult
WHEN NOT EXISTS (
    SELECT 1 FROM openTurn t
    WHERE t.sessionKey = NEW.sessionKey AND t.seq = NEW.turnSeq AND NEW.position < t.callCount)
BEGIN SELECT RAISE(ROLLBACK, 'a tool result can only be committed from the open turn'); END;

CREATE TRIGGER entrySealsACompleteTurn BEFORE INSERT ON entry
WHEN NEW.callCount > 0 AND (
    (SELECT count(*) FROM toolCall WHERE sessionKey = NEW.sessionKey AND turnSeq = NEW.seq) IS NOT NEW.callCount
    OR (SELECT count(*) FROM toolResult WHERE sessionKey = NEW.sessionKey AND turnSeq = NEW.seq) IS NOT NEW.callCount
    OR EXISTS (
        SELECT 1 FROM toolCall c
        LEFT JOIN toolResult r
            ON r.sessionKey = c.sessionKey AND r.turnSeq = c.turnSeq AND r.position = c.position
        WHERE c.sessionKey = NEW.sessionKey AND c.turnSeq = NEW.seq
          AND (r.callId IS NOT c.callId OR c.position >= NEW.callCount)))
BEGIN SELECT RAISE(ROLLBACK, 'a tool call cannot be committed without its result'); END;

CREATE TRIGGER entryWithoutCallsHasNoToolRows BEFORE INSERT ON entry
WHEN NEW.callCount = 0 AND (
    EXISTS (SELECT 1 FROM toolCall WHERE sessionKey = NEW.sessionKey AND turnSeq = NEW.seq)
    OR EXISTS (SELECT 1 FROM toolResult WHERE sessionKey = NEW.sessionKey AND turnSeq = NEW.seq))
BEGIN SELECT RAISE(ROLLBACK, 'a tool result cannot be committed without its call'); END;

CREATE TRIGGER entryWaitsForTheOpenTurn BEFORE INSERT ON entry
WHEN EXISTS (SELECT 1 FROM openTurn WHERE sessionKey = NEW.sessionKey)
BEGIN SELECT RAISE(ABORT, 'the session has an open turn'); END;

CREATE TRIGGER entryTakesTheNextSeq BEFORE INSERT ON entry
WHEN NEW.seq IS NOT (SELECT seq FROM sessionNextSeq WHERE sessionKey = NEW.sessionKey)
BEGIN SELECT RAISE(ABORT, 'an entry must take the next seq of its session'); END;

CREATE TRIGGER openTurnTakesTheNextSeq BEFORE INSERT ON openTurn
WHEN NEW.seq IS NOT (SELECT seq FROM sessionNextSeq WHERE sessionKey = NEW.sessionKey)
BEGIN SELECT RAISE(ABORT, 'an entry must take the next seq of its session'); END;

CREATE TRIGGER summaryCoversWholeTurnsOfItsHistory BEFORE INSERT ON entry
WHEN NEW.summaryTo IS NOT NULL AND EXISTS (
    WITH RECURSIVE lineage(owner, lastSeq) AS (
        SELECT NEW.sessionKey, 9223372036854775807
        UNION ALL
        SELECT s.parentKey, min(l.lastSeq, s.parentSeq)
        FROM lineage l JOIN session s ON s.key = l.owner
        WHERE s.parentKey IS NOT NULL)
    SELECT 1 FROM lineage l
    JOIN entry e ON e.sessionKey = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
    WHERE (e.seq <= NEW.summaryTo AND NEW.summaryTo < e.seq + e.callCount)
       OR (e.seq < NEW.summaryFrom AND NEW.summaryFrom <= e.seq + e.callCount))
BEGIN SELECT RAISE(ABORT, 'a summary must cover whole turns'); END;

CREATE TRIGGER usageBelongsToAnAssistantEntry BEFORE INSERT ON entryUsage
WHEN (SELECT role FROM entry WHERE sessionKey = NEW.sessionKey AND seq = NEW.seq) IS NOT 'assistant'
BEGIN SELECT RAISE(ABORT, 'usage belongs to an assistant entry'); END;

CREATE TRIGGER sessionStartsActive AFTER INSERT ON session WHEN NEW.lastActivityAt IS NULL
BEGIN UPDATE session SET lastActivityAt = NEW.createdAt WHERE key = NEW.key; END;

CREATE TRIGGER entryMarksActivity AFTER INSERT ON entry
BEGIN UPDATE session SET lastActivityAt = max(coalesce(lastActivityAt, ''), NEW.createdAt) WHERE key = NEW.sessionKey; END;

CREATE TRIGGER openTurnMarksActivity AFTER INSERT ON openTurn
BEGIN UPDATE session SET lastActivityAt = max(coalesce(lastActivityAt, ''), NEW.openedAt) WHERE key = NEW.sessionKey; END;

CREATE TRIGGER openResultMarksActivity AFTER INSERT ON openResult
BEGIN UPDATE session SET lastActivityAt = max(coalesce(lastActivityAt, ''), NEW.recordedAt) WHERE key = NEW.sessionKey; END;

CREATE TRIGGER sessionIdentityIsFixed BEFORE UPDATE OF key, id, tenant, createdAt, parentKey, parentSeq ON session
BEGIN SELECT RAISE(ABORT, 'a session''s id, tenant and lineage cannot change'); END;

CREATE TRIGGER forkStartsAfterAWholeTurn BEFORE INSERT ON session
WHEN NEW.parentKey IS NOT NULL AND (
    NOT EXISTS (SELECT 1 FROM session WHERE key = NEW.parentKey)
    OR NEW.parentSeq >= (SELECT seq FROM sessionNextSeq WHERE sessionKey = NEW.parentKey)
    OR EXISTS (
        SELECT 1 FROM entry e
        WHERE e.sessionKey = NEW.parentKey AND e.callCount > 0
          AND e.seq <= NEW.parentSeq AND NEW.parentSeq < e.seq + e.callCount))
BEGIN SELECT RAISE(ABORT, 'a fork must start after a whole turn of its parent'); END;

CREATE TRIGGER forkKeepsItsParentsTenant BEFORE INSERT ON session
WHEN NEW.parentKey IS NOT NULL
    AND NEW.tenant IS NOT (SELECT tenant FROM session WHERE key = NEW.parentKey)
BEGIN SELECT RAISE(ABORT, 'a fork belongs to its parent''s tenant'); END;

-- 6. Search (0008) over the new columns.
CREATE VIEW searchSource (id, body, scope) AS
SELECT d.id,
    searchBody(
        CASE d.kind
            WHEN 'message' THEN (SELECT e.parts FROM entry e WHERE e.sessionKey = d.sessionKey AND e.seq = d.seq)
            WHEN 'arguments' THEN (
                SELECT c.arguments FROM toolCall c
                WHERE c.sessionKey = d.sessionKey AND c.turnSeq = d.seq AND c.position = d.position)
            ELSE (
                SELECT r.parts FROM toolResult r
                WHERE r.sessionKey = d.sessionKey AND r.turnSeq = d.seq - 1 - d.position AND r.position = d.position)
        END,
        d.kind),
    d.scope
FROM searchDoc d;

CREATE VIRTUAL TABLE searchText USING fts5(
    body, scope, content = 'searchSource', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO searchText (searchText, rank) VALUES ('rank', 'bm25(1.0, 0.0)');

CREATE TABLE searchIndexed (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    throughId INTEGER NOT NULL CHECK (throughId >= 0)
) STRICT;

INSERT INTO searchIndexed (singleton, throughId) VALUES (1, 0);

CREATE TRIGGER searchIndexMovesForward BEFORE UPDATE ON searchIndexed
WHEN NEW.throughId < OLD.throughId OR NEW.singleton IS NOT OLD.singleton
BEGIN SELECT RAISE(ABORT, 'the search index only moves forward'); END;

CREATE TRIGGER searchIndexedIsKept BEFORE DELETE ON searchIndexed
BEGIN SELECT RAISE(ABORT, 'the search index only moves forward'); END;

CREATE TRIGGER searchDocIsAppendOnlyOnUpdate BEFORE UPDATE ON searchDoc
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;

CREATE TRIGGER searchDocIsAppendOnlyOnDelete BEFORE DELETE ON searchDoc
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionKey = OLD.sessionKey)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;

CREATE TRIGGER searchDocIsUnindexed BEFORE DELETE ON searchDoc
WHEN OLD.id <= (SELECT throughId FROM searchIndexed WHERE singleton = 1)
BEGIN
    INSERT INTO searchText (searchText, rowid, body, scope)
    VALUES ('delete', OLD.id, (SELECT body FROM searchSource WHERE id = OLD.id), OLD.scope);
END;
