-- Need-to-know in the read models, staff accounts, and the audit trail.
ALTER TABLE cases ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN publishable INTEGER NOT NULL DEFAULT 0;

-- Who may see a restricted case: team members (until NULL) and grant holders (until = last day).
CREATE TABLE case_access (
    case_id  TEXT NOT NULL,
    username TEXT NOT NULL,
    until    TEXT
);
CREATE INDEX case_access_by_case ON case_access (case_id, username);
CREATE INDEX case_access_by_user ON case_access (username);

CREATE TABLE users (
    username      TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    force         TEXT,
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    username   TEXT    NOT NULL REFERENCES users (username),
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (username);

CREATE TABLE api_tokens (
    token_hash BLOB    PRIMARY KEY,
    username   TEXT    NOT NULL REFERENCES users (username),
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (username);

CREATE TABLE login_failures (
    username TEXT    NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);

-- The audit trail: append-only and hash-chained like the event log.
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    recorded_at INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    prev_hash   BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB    NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_by_target ON audit (target, seq);

CREATE TRIGGER audit_refuse_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_refuse_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
