-- The staging area: turns whose calls are known but not all answered. Not part of the log,
-- so its rows are deleted when the turn is committed. Each recorded result is its own
-- transaction, durable at once.

CREATE TABLE openTurn (
    sessionId TEXT PRIMARY KEY NOT NULL REFERENCES session(id),
    -- The seq the assistant entry takes when the turn is committed.
    seq INTEGER NOT NULL CHECK (seq >= 1),
    -- Checked as JSON when it moves into the log: parsing it here too would double the cost.
    parts TEXT NOT NULL CHECK (substr(parts, 1, 1) = '['),
    callCount INTEGER NOT NULL CHECK (callCount >= 1),
    idempotencyKey TEXT CHECK (idempotencyKey IS NULL OR length(idempotencyKey) > 0),
    openedAt TEXT NOT NULL
) STRICT;

CREATE TABLE openCall (
    sessionId TEXT NOT NULL REFERENCES openTurn(sessionId),
    position INTEGER NOT NULL CHECK (position >= 0),
    callId TEXT NOT NULL CHECK (length(callId) > 0),
    name TEXT NOT NULL CHECK (length(name) > 0),
    arguments TEXT NOT NULL,
    PRIMARY KEY (sessionId, position),
    UNIQUE (sessionId, callId)
) STRICT, WITHOUT ROWID;

CREATE TABLE openResult (
    sessionId TEXT NOT NULL,
    position INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'error', 'cancelled', 'interrupted')),
    -- Checked as JSON when it moves into the log: parsing it here too would double the cost.
    parts TEXT NOT NULL CHECK (substr(parts, 1, 1) = '['),
    recordedAt TEXT NOT NULL,
    -- One result per call: a second one is a primary key conflict.
    PRIMARY KEY (sessionId, position),
    FOREIGN KEY (sessionId, position) REFERENCES openCall(sessionId, position)
) STRICT;
