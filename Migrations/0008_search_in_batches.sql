-- Search that costs neither a copy of the text nor an FTS5 segment per message (issue 13).
--
-- 0005 kept a copy of every searchable text in `searchDoc.body` (40% of the file) and indexed
-- each row into FTS5 in the transaction that wrote it; FTS5 writes a new index segment for every
-- transaction, several pages per message. Now:
-- - `searchDoc` says where a text is (session, seq, kind, the call's position); the text itself is
--   read from the log through the view `searchSource`, whose `body` is `searchBody(source, kind)`,
--   a function the library registers on every connection (the text parts of a message or result,
--   or a call's arguments, with CJK characters set apart: docs/schema.md, "Search").
-- - `searchDoc` rows are still written with the log rows they describe, so a search sees every
--   committed row at once; the FTS index takes them in batches: rows with `id <= throughId` are
--   in it, the few after (the tail) are searched through a small in-memory index on the reading
--   connection.
-- The library's follow-up of this migration writes the rows of the history already stored and
-- builds the index.

DROP TRIGGER searchDocIsIndexed;
DROP TRIGGER searchDocIsUnindexed;
DROP TRIGGER searchDocIsAppendOnlyOnUpdate;
DROP TRIGGER searchDocIsAppendOnlyOnDelete;
DROP TABLE searchText;
DROP INDEX searchDocBySession;
DROP TABLE searchDoc;

CREATE TABLE searchDoc (
    id INTEGER PRIMARY KEY,
    sessionId TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'arguments', 'result')),
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant', 'tool')),
    toolName TEXT,
    -- The call's position in its turn, for arguments and results.
    position INTEGER CHECK ((kind = 'message') = (position IS NULL)),
    scope TEXT GENERATED ALWAYS AS ('s' || hex(sessionId)) VIRTUAL
) STRICT;

CREATE INDEX searchDocBySession ON searchDoc(sessionId, seq);

CREATE VIEW searchSource (id, body, scope) AS
SELECT d.id,
    searchBody(
        CASE d.kind
            WHEN 'message' THEN (SELECT e.parts FROM entry e WHERE e.sessionId = d.sessionId AND e.seq = d.seq)
            WHEN 'arguments' THEN (
                SELECT c.arguments FROM toolCall c
                WHERE c.sessionId = d.sessionId AND c.turnSeq = d.seq AND c.position = d.position)
            ELSE (
                SELECT r.parts FROM toolResult r
                WHERE r.sessionId = d.sessionId AND r.turnSeq = d.seq - 1 - d.position AND r.position = d.position)
        END,
        d.kind),
    d.scope
FROM searchDoc d;

CREATE VIRTUAL TABLE searchText USING fts5(
    body, scope, content = 'searchSource', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

-- Rank by the text alone.
INSERT INTO searchText (searchText, rank) VALUES ('rank', 'bm25(1.0, 0.0)');

CREATE TABLE searchIndexed (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    throughId INTEGER NOT NULL CHECK (throughId >= 0)
) STRICT;

INSERT INTO searchIndexed (singleton, throughId) VALUES (1, 0);

-- The index only ever moves forward.
CREATE TRIGGER searchIndexMovesForward BEFORE UPDATE ON searchIndexed
WHEN NEW.throughId < OLD.throughId OR NEW.singleton IS NOT OLD.singleton
BEGIN SELECT RAISE(ABORT, 'the search index only moves forward'); END;

CREATE TRIGGER searchIndexedIsKept BEFORE DELETE ON searchIndexed
BEGIN SELECT RAISE(ABORT, 'the search index only moves forward'); END;

-- Search rows are changed never, and deleted only by a purge (as the log, 0005), which removes
-- a row from the FTS index first if the index took it, while the log rows it reads still exist.
CREATE TRIGGER searchDocIsAppendOnlyOnUpdate BEFORE UPDATE ON searchDoc
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;

CREATE TRIGGER searchDocIsAppendOnlyOnDelete BEFORE DELETE ON searchDoc
WHEN NOT EXISTS (SELECT 1 FROM purgeInProgress WHERE sessionId = OLD.sessionId)
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;

CREATE TRIGGER searchDocIsUnindexed BEFORE DELETE ON searchDoc
WHEN OLD.id <= (SELECT throughId FROM searchIndexed WHERE singleton = 1)
BEGIN
    INSERT INTO searchText (searchText, rowid, body, scope)
    VALUES ('delete', OLD.id, (SELECT body FROM searchSource WHERE id = OLD.id), OLD.scope);
END;
