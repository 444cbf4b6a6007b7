-- Need-to-know in the read models, staff accounts, and the audit trail.
ALTER TABLE cases ADD COLUMN restricted BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN publishable BOOLEAN NOT NULL DEFAULT false;

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
    disabled      BOOLEAN NOT NULL DEFAULT false,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash BYTEA  PRIMARY KEY,
    username   TEXT   NOT NULL REFERENCES users (username),
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (username);

CREATE TABLE api_tokens (
    token_hash BYTEA  PRIMARY KEY,
    username   TEXT   NOT NULL REFERENCES users (username),
    label      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (username);

CREATE TABLE login_failures (
    username TEXT   NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);

-- The audit trail: append-only and hash-chained like the event log.
CREATE TABLE audit (
    seq         BIGINT PRIMARY KEY,
    recorded_at BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    role        TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    target      TEXT   NOT NULL,
    outcome     TEXT   NOT NULL,
    purpose     TEXT   NOT NULL,
    detail      TEXT   NOT NULL,
    prev_hash   BYTEA  NOT NULL CHECK (length(prev_hash) = 32),
    hash        BYTEA  NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_by_target ON audit (target, seq);

CREATE TRIGGER audit_refuse_update BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION refuse_change('audit trail');
CREATE TRIGGER audit_refuse_delete BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION refuse_change('audit trail');
CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('audit trail');
