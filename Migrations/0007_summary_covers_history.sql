-- Compaction over a fork's whole history (issue 12).
--
-- A fork reads its parent's entries up to the fork point, so a summary on a fork may cover
-- seqs stored under an ancestor. 0004's trigger looked at the session's own rows only, and a
-- summary that split an inherited turn was accepted; no request could then be built for the
-- session. This one walks the lineage: the session's own rows, then each ancestor's rows up to
-- the point where the history forked off it.

DROP TRIGGER summaryCoversWholeTurns;

CREATE TRIGGER summaryCoversWholeTurnsOfItsHistory BEFORE INSERT ON entry
WHEN NEW.summaryTo IS NOT NULL AND EXISTS (
    WITH RECURSIVE lineage(owner, lastSeq) AS (
        SELECT NEW.sessionId, 9223372036854775807
        UNION ALL
        SELECT s.parentSessionId, min(l.lastSeq, s.parentSeq)
        FROM lineage l JOIN session s ON s.id = l.owner
        WHERE s.parentSessionId IS NOT NULL)
    SELECT 1 FROM lineage l
    JOIN entry e ON e.sessionId = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
    WHERE (e.seq <= NEW.summaryTo AND NEW.summaryTo < e.seq + e.callCount)
       OR (e.seq < NEW.summaryFrom AND NEW.summaryFrom <= e.seq + e.callCount))
BEGIN SELECT RAISE(ABORT, 'a summary must cover whole turns'); END;
