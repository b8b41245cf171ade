-- Session activity without moving two index entries on every write (docs/schema.md, "Activity").
--
-- Before this migration, every entry, opened turn and recorded result set `session.lastActivityAt`,
-- which moved the session's entries in `sessionByActivity` and `sessionByTenantActivity`: three of
-- the nine pages a write put in the WAL. The indexed column is now `listedActivityAt`, the order
-- that listing walks, and a write moves it only when its session is not already alone at the front
-- of that order: while one session is written to again and again, nothing of `session` changes.
-- The exact activity time is read from the log through the view `sessionActivity`.
ALTER TABLE session RENAME COLUMN lastActivityAt TO listedActivityAt;

DROP TRIGGER entryMarksActivity;
DROP TRIGGER openTurnMarksActivity;
DROP TRIGGER openResultMarksActivity;

-- The sessions that are not alone at the front of the order: some other session's listed time is
-- at or after their own. Only a write to one of them moves it.
CREATE VIEW sessionBehindAnother (sessionKey) AS
SELECT me.key FROM session me
WHERE EXISTS (
    SELECT 1 FROM session other
    WHERE other.listedActivityAt >= coalesce(me.listedActivityAt, '') AND other.key <> me.key);

CREATE TRIGGER entryMarksActivity AFTER INSERT ON entry
WHEN EXISTS (SELECT 1 FROM sessionBehindAnother WHERE sessionKey = NEW.sessionKey)
BEGIN UPDATE session SET listedActivityAt = max(coalesce(listedActivityAt, ''), NEW.createdAt) WHERE key = NEW.sessionKey; END;

CREATE TRIGGER openTurnMarksActivity AFTER INSERT ON openTurn
WHEN EXISTS (SELECT 1 FROM sessionBehindAnother WHERE sessionKey = NEW.sessionKey)
BEGIN UPDATE session SET listedActivityAt = max(coalesce(listedActivityAt, ''), NEW.openedAt) WHERE key = NEW.sessionKey; END;

CREATE TRIGGER openResultMarksActivity AFTER INSERT ON openResult
WHEN EXISTS (SELECT 1 FROM sessionBehindAnother WHERE sessionKey = NEW.sessionKey)
BEGIN UPDATE session SET listedActivityAt = max(coalesce(listedActivityAt, ''), NEW.recordedAt) WHERE key = NEW.sessionKey; END;

-- The latest of a session's creation (or imported activity), entries, opened turn and recorded
-- results: its listed time, or the newest of its own rows written since, each found by an index.
-- A committed turn's entry carries the time it was opened and its results the times they were
-- recorded, so the newest entry and the newest turn's results hold the latest committed activity.
CREATE VIEW sessionActivity (sessionKey, lastActivityAt) AS
SELECT s.key, max(
    coalesce(s.listedActivityAt, ''),
    coalesce((SELECT createdAt FROM entry WHERE sessionKey = s.key ORDER BY seq DESC LIMIT 1), ''),
    coalesce((
        SELECT max(recordedAt) FROM toolResult
        WHERE sessionKey = s.key
          AND turnSeq = (SELECT turnSeq FROM toolResult WHERE sessionKey = s.key ORDER BY turnSeq DESC LIMIT 1)), ''),
    coalesce((SELECT openedAt FROM openTurn WHERE sessionKey = s.key), ''),
    coalesce((SELECT max(recordedAt) FROM openResult WHERE sessionKey = s.key), ''))
FROM session s;
