-- The log. Its rows are never changed (see 0004_guard_log.sql).
--
-- A session's history is the union of `entry` rows and `toolResult` rows ordered by seq:
-- an assistant entry with k calls takes seq n, and the result of its call at position p
-- takes seq n + 1 + p. The assistant entry is written last in its transaction and seals
-- the turn: it can only be inserted once every call has its result.

CREATE TABLE entry (
    sessionId TEXT NOT NULL REFERENCES session(id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant')),
    parts TEXT NOT NULL CHECK (json_valid(parts) AND substr(parts, 1, 1) = '['),  -- one JSON parse per insert
    callCount INTEGER NOT NULL DEFAULT 0 CHECK (callCount >= 0 AND (callCount = 0 OR role = 'assistant')),
    idempotencyKey TEXT CHECK (idempotencyKey IS NULL OR length(idempotencyKey) > 0),
    createdAt TEXT NOT NULL,
    -- A summary entry (compaction) stands in for the entries summaryFrom...summaryTo, which
    -- stay in the log. It comes after them and makes no calls.
    summaryFrom INTEGER,
    summaryTo INTEGER,
    PRIMARY KEY (sessionId, seq),
    CHECK ((summaryFrom IS NULL) = (summaryTo IS NULL)),
    CHECK (summaryFrom IS NULL OR (1 <= summaryFrom AND summaryFrom <= summaryTo AND summaryTo < seq AND callCount = 0))
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX entryByIdempotencyKey ON entry(sessionId, idempotencyKey) WHERE idempotencyKey IS NOT NULL;

-- Calls and results reference each other: circular foreign keys checked at COMMIT.
CREATE TABLE toolCall (
    sessionId TEXT NOT NULL,
    turnSeq INTEGER NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    callId TEXT NOT NULL CHECK (length(callId) > 0),
    name TEXT NOT NULL CHECK (length(name) > 0),
    arguments TEXT NOT NULL,
    PRIMARY KEY (sessionId, turnSeq, position),
    -- Ids are unique within a turn only: some providers reuse `call_0` in every turn.
    UNIQUE (sessionId, turnSeq, callId),
    FOREIGN KEY (sessionId, turnSeq) REFERENCES entry(sessionId, seq)
        DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (sessionId, turnSeq, position) REFERENCES toolResult(sessionId, turnSeq, position)
        DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

CREATE TABLE toolResult (
    sessionId TEXT NOT NULL,
    turnSeq INTEGER NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    seq INTEGER NOT NULL GENERATED ALWAYS AS (turnSeq + 1 + position) VIRTUAL,
    callId TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'error', 'cancelled', 'interrupted')),
    parts TEXT NOT NULL CHECK (json_valid(parts) AND substr(parts, 1, 1) = '['),  -- one JSON parse per insert
    recordedAt TEXT NOT NULL,
    PRIMARY KEY (sessionId, turnSeq, position),
    FOREIGN KEY (sessionId, turnSeq, position) REFERENCES toolCall(sessionId, turnSeq, position)
        DEFERRABLE INITIALLY DEFERRED
) STRICT;
