-- The event log: append-only, hash-chained. Personal data lives apart so it can be erased.
CREATE TABLE events (
    position    BIGINT PRIMARY KEY,
    case_id     TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    payload     TEXT   NOT NULL,
    prev_hash   BYTEA  NOT NULL CHECK (length(prev_hash) = 32),
    hash        BYTEA  NOT NULL CHECK (length(hash) = 32),
    UNIQUE (case_id, version)
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the % is append-only: record a correction as a new entry', TG_ARGV[0];
END;
$$;

CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_change('event log');
CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_change('event log');
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('event log');

CREATE TABLE personal_data (
    case_id TEXT   NOT NULL,
    party   BIGINT NOT NULL,
    data    TEXT   NOT NULL CHECK (data::jsonb IS NOT NULL),
    salt    TEXT   NOT NULL,
    PRIMARY KEY (case_id, party)
);

-- Read models: derived from the log, rebuilt by `probity rebuild`.
CREATE TABLE cases (
    case_id           TEXT    PRIMARY KEY,
    reference         TEXT    NOT NULL UNIQUE,
    kind              TEXT    NOT NULL,
    force             TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    received_on       TEXT    NOT NULL,
    mode              TEXT,
    sexual_misconduct BOOLEAN NOT NULL,
    published_on      TEXT,
    version           BIGINT  NOT NULL
);
CREATE INDEX cases_by_force_status ON cases (force, status);
CREATE INDEX cases_by_received ON cases (received_on);

CREATE TABLE subjects (
    case_id        TEXT    NOT NULL,
    party          BIGINT  NOT NULL,
    subject_kind   TEXT    NOT NULL,
    rank           TEXT,
    service_number TEXT,
    force          TEXT    NOT NULL,
    former         BOOLEAN NOT NULL,
    PRIMARY KEY (case_id, party)
);
CREATE INDEX subjects_by_service_number ON subjects (force, service_number);

CREATE TABLE allegations (
    case_id    TEXT   NOT NULL,
    allegation BIGINT NOT NULL,
    category   TEXT   NOT NULL,
    PRIMARY KEY (case_id, allegation)
);
CREATE INDEX allegations_by_category ON allegations (category);

CREATE TABLE findings (
    case_id       TEXT   NOT NULL,
    subject       BIGINT NOT NULL,
    allegation    BIGINT NOT NULL,
    opinion       TEXT,
    determination TEXT,
    outcome       TEXT   NOT NULL,
    PRIMARY KEY (case_id, subject, allegation)
);
