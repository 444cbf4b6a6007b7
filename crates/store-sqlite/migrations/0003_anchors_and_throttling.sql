-- Signed checkpoints of both chain heads (the key that signs them is never stored here), and
-- the tie from a command's audit entry to the last event it wrote.
CREATE TABLE checkpoints (
    seq            INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    event_position INTEGER NOT NULL,
    event_hash     BLOB    NOT NULL CHECK (length(event_hash) = 32),
    audit_seq      INTEGER NOT NULL,
    audit_hash     BLOB    NOT NULL CHECK (length(audit_hash) = 32),
    key            BLOB    NOT NULL CHECK (length(key) = 32),
    signature      BLOB    NOT NULL CHECK (length(signature) = 64)
);

CREATE TRIGGER checkpoints_refuse_update BEFORE UPDATE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are append-only');
END;

CREATE TRIGGER checkpoints_refuse_delete BEFORE DELETE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are append-only');
END;

-- `position:hash` of the last event a command wrote, or empty.
ALTER TABLE audit ADD COLUMN wrote TEXT NOT NULL DEFAULT '';

-- Personal data is written and erased, never edited in place.
CREATE TRIGGER personal_data_refuse_update BEFORE UPDATE ON personal_data
BEGIN
    SELECT RAISE(ABORT, 'personal data is erased and added, never edited');
END;

-- Failed log-ins are counted per account and source address, so that an attacker elsewhere
-- cannot lock the account's holder out.
ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
DROP INDEX login_failures_by_user;
CREATE INDEX login_failures_by_user ON login_failures (username, source, at);
CREATE INDEX login_failures_by_time ON login_failures (at);
