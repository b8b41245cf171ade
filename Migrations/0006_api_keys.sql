-- API keys of the HTTP service: each maps to one tenant. Only a SHA-256 of the key is kept;
-- the key itself is shown once, when it is created.
CREATE TABLE apiKey (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
    tenant TEXT NOT NULL CHECK (length(tenant) > 0),
    name TEXT,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    createdAt TEXT NOT NULL,
    revokedAt TEXT
) STRICT;

-- A key never changes, except to be revoked once.
CREATE TRIGGER apiKeyIsOnlyRevoked BEFORE UPDATE ON apiKey
WHEN NEW.id IS NOT OLD.id OR NEW.tenant IS NOT OLD.tenant OR NEW.hash IS NOT OLD.hash
    OR NEW.createdAt IS NOT OLD.createdAt OR OLD.revokedAt IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an API key can only be revoked, once'); END;
