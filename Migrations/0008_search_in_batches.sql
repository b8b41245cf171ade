-- Search rows indexed in batches (issue 13).
--
-- 0005 indexed each `searchDoc` row into the FTS5 index in the transaction that wrote it, and FTS5
-- writes a new index segment for every transaction: several pages per message. Now `searchDoc`
-- rows are still written with the log rows they describe, so a search sees every committed row at
-- once, but the FTS index takes them in batches: rows with `id <= throughId` are in the index,
-- the few after it (the tail) are searched with a small in-memory index on the reading connection
-- (see docs/schema.md, "Search").

DROP TRIGGER searchDocIsIndexed;

CREATE TABLE searchIndexed (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    throughId INTEGER NOT NULL CHECK (throughId >= 0)
) STRICT;

INSERT INTO searchIndexed (singleton, throughId) VALUES (1, (SELECT coalesce(max(id), 0) FROM searchDoc));

-- The index only ever moves forward, and only over rows it has taken.
CREATE TRIGGER searchIndexMovesForward BEFORE UPDATE ON searchIndexed
WHEN NEW.throughId < OLD.throughId OR NEW.singleton IS NOT OLD.singleton
BEGIN SELECT RAISE(ABORT, 'the search index only moves forward'); END;

CREATE TRIGGER searchIndexedIsKept BEFORE DELETE ON searchIndexed
BEGIN SELECT RAISE(ABORT, 'the search index only moves forward'); END;

-- A purge removes a row from the FTS index only if the index took it.
DROP TRIGGER searchDocIsUnindexed;

CREATE TRIGGER searchDocIsUnindexed AFTER DELETE ON searchDoc
WHEN OLD.id <= (SELECT throughId FROM searchIndexed WHERE singleton = 1)
BEGIN INSERT INTO searchText (searchText, rowid, body, scope) VALUES ('delete', OLD.id, OLD.body, OLD.scope); END;
