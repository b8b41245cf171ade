-- History: token usage, session activity, forks, tamper evidence, full-text search, purge.
-- See docs/schema.md. The library fills `logHash` and `searchDoc` in the transaction that
-- appends the log rows they describe.

-- 1. Token usage an assistant entry carries, written in the same transaction as the entry.
CREATE TABLE entryUsage (
    sessionId TEXT NOT NULL,
    seq INTEGER NOT NULL,
    model TEXT CHECK (model IS NULL OR length(model) > 0),
    inputTokens INTEGER CHECK (inputTokens >= 0),
    outputTokens INTEGER CHECK (outputTokens >= 0),
    cachedTokens INTEGER CHECK (cachedTokens >= 0),
    reasoningTokens INTEGER CHECK (reasoningTokens >= 0),
    PRIMARY KEY (sessionId, seq),
    FOREIGN KEY (sessionId, seq) REFERENCES entry(sessionId, seq)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER usageBelongsToAnAssistantEntry BEFORE INSERT ON entryUsage
WHEN (SELECT role FROM entry WHERE sessionId = NEW.sessionId AND seq = NEW.seq) IS NOT 'assistant'
BEGIN SELECT RAISE(ABORT, 'usage belongs to an assistant entry'); END;

-- The usage of a staged turn (a JSON object), moved into entryUsage when the turn is committed.
ALTER TABLE openTurn ADD COLUMN usage TEXT CHECK (usage IS NULL OR (json_valid(usage) AND json_type(usage) = 'object'));

-- 2. Session activity: the time of the last entry, opened turn or recorded result, kept by
--    triggers so that listing sessions by activity reads an index.
ALTER TABLE session ADD COLUMN lastActivityAt TEXT;

UPDATE session SET lastActivityAt = max(
    createdAt,
    coalesce((SELECT max(createdAt) FROM entry WHERE sessionId = session.id), ''),
    coalesce((SELECT max(recordedAt) FROM toolResult WHERE sessionId = session.id), ''),
    coalesce((SELECT openedAt FROM openTurn WHERE sessionId = session.id), ''),
    coalesce((SELECT max(recordedAt) FROM openResult WHERE sessionId = session.id), ''));

CREATE INDEX sessionByActivity ON session(lastActivityAt, id);
CREATE INDEX sessionByTenantActivity ON session(tenant, lastActivityAt, id);
CREATE INDEX sessionByParent ON session(parentSessionId, parentSeq) WHERE parentSessionId IS NOT NULL;

CREATE TRIGGER sessionStartsActive AFTER INSERT ON session WHEN NEW.lastActivityAt IS NULL
BEGIN UPDATE session SET lastActivityAt = NEW.createdAt WHERE id = NEW.id; END;

CREATE TRIGGER entryMarksActivity AFTER INSERT ON entry
BEGIN UPDATE session SET lastActivityAt = max(coalesce(lastActivityAt, ''), NEW.createdAt) WHERE id = NEW.sessionId; END;

CREATE TRIGGER openTurnMarksActivity AFTER INSERT ON openTurn
BEGIN UPDATE session SET lastActivityAt = max(coalesce(lastActivityAt, ''), NEW.openedAt) WHERE id = NEW.sessionId; END;

CREATE TRIGGER openResultMarksActivity AFTER INSERT ON openResult
BEGIN UPDATE session SET lastActivityAt = max(coalesce(lastActivityAt, ''), NEW.recordedAt) WHERE id = NEW.sessionId; END;

-- A session's identity and lineage never change; only its activity time moves.
CREATE TRIGGER sessionIdentityIsFixed BEFORE UPDATE OF id, tenant, createdAt, parentSessionId, parentSeq ON session
BEGIN SELECT RAISE(ABORT, 'a session''s id, tenant and lineage cannot change'); END;

-- 3. Forks. A fork's history is its parent's entries up to parentSeq, then its own; it starts
--    after a whole turn of its parent and belongs to its parent's tenant.
CREATE TRIGGER forkStartsAfterAWholeTurn BEFORE INSERT ON session
WHEN NEW.parentSessionId IS NOT NULL AND (
    NOT EXISTS (SELECT 1 FROM session WHERE id = NEW.parentSessionId)
    OR NEW.parentSeq >= (SELECT seq FROM sessionNextSeq WHERE sessionId = NEW.parentSessionId)
    OR EXISTS (
        SELECT 1 FROM entry e
        WHERE e.sessionId = NEW.parentSessionId AND e.callCount > 0
          AND e.seq <= NEW.parentSeq AND NEW.parentSeq < e.seq + e.callCount))
BEGIN SELECT RAISE(ABORT, 'a fork must start after a whole turn of its parent'); END;

CREATE TRIGGER forkKeepsItsParentsTenant BEFORE INSERT ON session
WHEN NEW.parentSessionId IS NOT NULL
    AND NEW.tenant IS NOT (SELECT tenant FROM session WHERE id = NEW.parentSessionId)
BEGIN SELECT RAISE(ABORT, 'a fork belongs to its parent''s tenant'); END;

-- 4. Tamper evidence: one SHA-256 per seq of each session's own log, chained over the hash of
--    the seq before (docs/schema.md gives the canonical content).
CREATE TABLE logHash (
    sessionId TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (sessionId, seq)
) STRICT, WITHOUT ROWID;

-- 5. Full-text search over message text, tool arguments and tool results. `searchDoc` holds the
--    indexed text (CJK characters set apart, see docs/schema.md); `searchText` is its FTS5
--    index, kept in step by triggers. `scope` is one token per session, indexed beside the
--    text, so that a search within a session intersects the session's short token list with
--    the words' lists instead of testing every match.
CREATE TABLE searchDoc (
    id INTEGER PRIMARY KEY,
    sessionId TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'arguments', 'result')),
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant', 'tool')),
    toolName TEXT,
    body TEXT NOT NULL,
    scope TEXT GENERATED ALWAYS AS ('s' || hex(sessionId)) VIRTUAL
) STRICT;

CREATE INDEX searchDocBySession ON searchDoc(sessionId, seq);

CREATE VIRTUAL TABLE searchText USING fts5(
    body, scope, content = 'searchDoc', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

-- Rank by the text alone.
INSERT INTO searchText (searchText, rank) VALUES ('rank', 'bm25(1.0, 0.0)');

CREATE TRIGGER searchDocIsIndexed AFTER INSERT ON searchDoc
BEGIN INSERT INTO searchText (rowid, body, scope) VALUES (NEW.id, NEW.body, NEW.scope); END;

CREATE TRIGGER searchDocIsUnindexed AFTER DELETE ON searchDoc
BEGIN INSERT INTO searchText (searchText, rowid, body, scope) VALUES ('delete', OLD.id, OLD.body, OLD.scope); END;

-- 6. Purge: the one way to delete. A purge marks the session in `purgeInProgress`, deletes its
--    rows, unmarks it and records itself in `purgeAudit`, all in one transaction. Outside a
--    purge every log table refuses DELETE; UPDATE is refused always.
CREATE TABLE purgeInProgress (
    sessionId TEXT PRIMARY KEY NOT NULL
) STRICT;

CREATE TABLE purgeAudit (
    id INTEGER PRIMARY KEY,
    sessionId TEXT NOT NULL,
    tenant TEXT,
    requestedBy TEXT NOT NULL CHECK (length(requestedBy) > 0),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    purgedAt TEXT NOT NULL,
    rowCount INTEGER NOT NULL CHECK (rowCount >= 0)
) STRICT;

CREATE TRIGGER purgeAuditIsAppendOnlyOnUpdate BEFORE UPDATE ON purgeAudit
BEGIN SELECT RAISE(ABORT, 'the purge audit is append-only'); END;
CREATE TRIGGER purgeAuditIsAppendOnlyOnDelete BEFORE DELETE ON purgeAudit
BEGIN SELECT RAISE(ABORT, 'the purge audit is append-only'); END;

DROP TRIGGER entryIsAppendOnlyOnDelete;
CREATE TRIGGER entryIsAppendOnlyOnDelete BEFORE DELETE ON entry
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.sessionId)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
DROP TRIGGER toolCallIsAppendOnlyOnDelete;
CREATE TRIGGER toolCallIsAppendOnlyOnDelete BEFORE DELETE ON toolCall
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.sessionId)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
DROP TRIGGER toolResultIsAppendOnlyOnDelete;
CREATE TRIGGER toolResultIsAppendOnlyOnDelete BEFORE DELETE ON toolResult
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.sessionId)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;

CREATE TRIGGER entryUsageIsAppendOnlyOnUpdate BEFORE UPDATE ON entryUsage
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER entryUsageIsAppendOnlyOnDelete BEFORE DELETE ON entryUsage
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.sessionId)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER logHashIsAppendOnlyOnUpdate BEFORE UPDATE ON logHash
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER logHashIsAppendOnlyOnDelete BEFORE DELETE ON logHash
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.sessionId)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER searchDocIsAppendOnlyOnUpdate BEFORE UPDATE ON searchDoc
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER searchDocIsAppendOnlyOnDelete BEFORE DELETE ON searchDoc
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.sessionId)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER sessionIsDeletedOnlyByPurge BEFORE DELETE ON session
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a session is deleted only by a purge'); END;
