-- Sessions: one conversation each, named by the caller. Sessions are not part of the log.
CREATE TABLE session (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
    tenant TEXT CHECK (tenant IS NULL OR length(tenant) > 0),
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
    createdAt TEXT NOT NULL,
    -- A fork continues its parent's history after (parentSessionId, parentSeq).
    parentSessionId TEXT REFERENCES session(id),
    parentSeq INTEGER CHECK (parentSeq >= 1),
    CHECK ((parentSessionId IS NULL) = (parentSeq IS NULL))
) STRICT;

CREATE INDEX sessionByCreation ON session(createdAt, id);

-- The seq the next entry of each session must take: one past the last entry and the
-- results of its calls (a turn of k calls at seq n covers n..n+k).
CREATE VIEW sessionNextSeq AS
SELECT
    s.id AS sessionId,
    COALESCE(
        (SELECT e.seq + e.callCount + 1 FROM entry e WHERE e.sessionId = s.id ORDER BY e.seq DESC LIMIT 1),
        COALESCE(s.parentSeq, 0) + 1
    ) AS seq
FROM session s;
