-- Rewind (issue 15): a marker in the log after which a session's history reads as it stood at
-- an earlier seq. The log keeps every entry; the marker takes the next seq, is covered by the
-- hash chain like any entry, and holds no content: role 'user', parts '[]', no calls, no summary.
--
-- History: H(0) is empty; an entry at seq n gives H(n) = H(n-1) followed by the entry (with its
-- results, for a turn); a marker at seq n with rewindTo t gives H(n) = H(t). Markers nest: t may
-- itself be a marker, or lie before one. A fork reads its parent's log up to the fork point.
ALTER TABLE entry ADD COLUMN rewindTo INTEGER CHECK (
    rewindTo IS NULL
    OR (rewindTo >= 0 AND rewindTo < seq AND role = 'user' AND parts = '[]' AND callCount = 0 AND summaryFrom IS NULL));

-- Every read of a history asks whether its lineage holds a marker: this index holds only markers.
CREATE INDEX entryRewinds ON entry(sessionKey, seq) WHERE rewindTo IS NOT NULL;

-- A history never ends between a call and its result: a marker may not take a session back to a
-- seq inside a turn, in its own rows or, for a fork, its ancestors' up to the fork point.
CREATE TRIGGER rewindLandsBetweenTurns BEFORE INSERT ON entry
WHEN NEW.rewindTo IS NOT NULL AND EXISTS (
    WITH RECURSIVE lineage(owner, lastSeq) AS (
        SELECT NEW.sessionKey, 9223372036854775807
        UNION ALL
        SELECT s.parentKey, min(l.lastSeq, s.parentSeq)
        FROM lineage l JOIN session s ON s.key = l.owner
        WHERE s.parentKey IS NOT NULL)
    SELECT 1 FROM lineage l
    JOIN entry e ON e.sessionKey = l.owner AND e.seq <= l.lastSeq AND e.callCount > 0
    WHERE e.seq <= NEW.rewindTo AND NEW.rewindTo < e.seq + e.callCount)
BEGIN SELECT RAISE(ABORT, 'a rewind must land between turns'); END;
