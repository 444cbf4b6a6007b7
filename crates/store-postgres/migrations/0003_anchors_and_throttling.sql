-- Signed checkpoints of both chain heads (the key that signs them is never stored here), and
-- the tie from a command's audit entry to the last event it wrote.
CREATE TABLE checkpoints (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             BIGINT NOT NULL,
    event_position BIGINT NOT NULL,
    event_hash     BYTEA  NOT NULL CHECK (length(event_hash) = 32),
    audit_seq      BIGINT NOT NULL,
    audit_hash     BYTEA  NOT NULL CHECK (length(audit_hash) = 32),
    key            BYTEA  NOT NULL CHECK (length(key) = 32),
    signature      BYTEA  NOT NULL CHECK (length(signature) = 64)
);

CREATE TRIGGER checkpoints_refuse_update BEFORE UPDATE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_change('checkpoints');
CREATE TRIGGER checkpoints_refuse_delete BEFORE DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_change('checkpoints');
CREATE TRIGGER checkpoints_refuse_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('checkpoints');

-- `position:hash` of the last event a command wrote, or empty.
ALTER TABLE audit ADD COLUMN wrote TEXT NOT NULL DEFAULT '';

-- Personal data is written and erased, never edited in place.
CREATE TRIGGER personal_data_refuse_update BEFORE UPDATE ON personal_data
    FOR EACH ROW EXECUTE FUNCTION refuse_change('personal data');

-- Failed log-ins are counted per account and source address, so that an attacker elsewhere
-- cannot lock the account's holder out.
ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
DROP INDEX login_failures_by_user;
CREATE INDEX login_failures_by_user ON login_failures (username, source, at);
CREATE INDEX login_failures_by_time ON login_failures (at);
