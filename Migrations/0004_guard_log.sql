-- The invariants, held by SQLite for every connection, whether or not it turned
-- `PRAGMA foreign_keys` on. The messages are stable: the library maps them to typed errors.
-- The turn gate raises ROLLBACK, not ABORT: a raw transaction that tries to commit a call
-- without its result (or the reverse) is undone whole and leaves nothing behind.

-- 1. The log is append-only.
CREATE TRIGGER entryIsAppendOnlyOnUpdate BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER entryIsAppendOnlyOnDelete BEFORE DELETE ON entry
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolCallIsAppendOnlyOnUpdate BEFORE UPDATE ON toolCall
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolCallIsAppendOnlyOnDelete BEFORE DELETE ON toolCall
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolResultIsAppendOnlyOnUpdate BEFORE UPDATE ON toolResult
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;
CREATE TRIGGER toolResultIsAppendOnlyOnDelete BEFORE DELETE ON toolResult
BEGIN SELECT RAISE(ABORT, 'the entry log is append-only'); END;

-- 2. A call is only ever written after its result, matched by position and id within its
--    turn; the assistant entry that seals the turn comes last and needs every pair. With
--    foreign keys on, the circular deferred keys of 0002 check the same at COMMIT.
CREATE TRIGGER toolCallNeedsItsResult BEFORE INSERT ON toolCall
WHEN NOT EXISTS (
    SELECT 1 FROM toolResult r
    WHERE r.sessionId = NEW.sessionId AND r.turnSeq = NEW.turnSeq
      AND r.position = NEW.position AND r.callId = NEW.callId)
BEGIN SELECT RAISE(ROLLBACK, 'a tool call cannot be committed without its result'); END;

-- Results come only from an open turn being committed: a raw writer cannot leave results
-- in the log without a staged turn that blocks the session until it is committed or recovered.
CREATE TRIGGER toolResultComesFromAnOpenTurn BEFORE INSERT ON toolResult
WHEN NOT EXISTS (
    SELECT 1 FROM openTurn t
    WHERE t.sessionId = NEW.sessionId AND t.seq = NEW.turnSeq AND NEW.position < t.callCount)
BEGIN SELECT RAISE(ROLLBACK, 'a tool result can only be committed from the open turn'); END;

CREATE TRIGGER entrySealsACompleteTurn BEFORE INSERT ON entry
WHEN NEW.callCount > 0 AND (
    (SELECT count(*) FROM toolCall WHERE sessionId = NEW.sessionId AND turnSeq = NEW.seq) IS NOT NEW.callCount
    OR (SELECT count(*) FROM toolResult WHERE sessionId = NEW.sessionId AND turnSeq = NEW.seq) IS NOT NEW.callCount
    OR EXISTS (
        SELECT 1 FROM toolCall c
        LEFT JOIN toolResult r
            ON r.sessionId = c.sessionId AND r.turnSeq = c.turnSeq AND r.position = c.position
        WHERE c.sessionId = NEW.sessionId AND c.turnSeq = NEW.seq
          AND (r.callId IS NOT c.callId OR c.position >= NEW.callCount)))
BEGIN SELECT RAISE(ROLLBACK, 'a tool call cannot be committed without its result'); END;

CREATE TRIGGER entryWithoutCallsHasNoToolRows BEFORE INSERT ON entry
WHEN NEW.callCount = 0 AND (
    EXISTS (SELECT 1 FROM toolCall WHERE sessionId = NEW.sessionId AND turnSeq = NEW.seq)
    OR EXISTS (SELECT 1 FROM toolResult WHERE sessionId = NEW.sessionId AND turnSeq = NEW.seq))
BEGIN SELECT RAISE(ROLLBACK, 'a tool result cannot be committed without its call'); END;

-- 3. Nothing is appended to a session while it has an open turn.
CREATE TRIGGER entryWaitsForTheOpenTurn BEFORE INSERT ON entry
WHEN EXISTS (SELECT 1 FROM openTurn WHERE sessionId = NEW.sessionId)
BEGIN SELECT RAISE(ABORT, 'the session has an open turn'); END;

-- 5. seq is dense: each entry takes the next seq of its session.
CREATE TRIGGER entryTakesTheNextSeq BEFORE INSERT ON entry
WHEN NEW.seq IS NOT (SELECT seq FROM sessionNextSeq WHERE sessionId = NEW.sessionId)
BEGIN SELECT RAISE(ABORT, 'an entry must take the next seq of its session'); END;

CREATE TRIGGER openTurnTakesTheNextSeq BEFORE INSERT ON openTurn
WHEN NEW.seq IS NOT (SELECT seq FROM sessionNextSeq WHERE sessionId = NEW.sessionId)
BEGIN SELECT RAISE(ABORT, 'an entry must take the next seq of its session'); END;

-- A summary stands in for whole turns: its range neither starts nor ends between a call
-- and its results.
CREATE TRIGGER summaryCoversWholeTurns BEFORE INSERT ON entry
WHEN NEW.summaryTo IS NOT NULL AND EXISTS (
    SELECT 1 FROM entry e
    WHERE e.sessionId = NEW.sessionId AND e.callCount > 0
      AND ((e.seq <= NEW.summaryTo AND NEW.summaryTo < e.seq + e.callCount)
        OR (e.seq < NEW.summaryFrom AND NEW.summaryFrom <= e.seq + e.callCount)))
BEGIN SELECT RAISE(ABORT, 'a summary must cover whole turns'); END;
