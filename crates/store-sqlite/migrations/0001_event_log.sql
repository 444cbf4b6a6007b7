-- The event log: append-only, hash-chained. Personal data lives apart so it can be erased.
CREATE TABLE events (
    position    INTEGER PRIMARY KEY,
    case_id     TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    prev_hash   BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB    NOT NULL CHECK (length(hash) = 32),
    UNIQUE (case_id, version)
);

CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: record a correction as a new event');
END;

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: record a correction as a new event');
END;

CREATE TABLE personal_data (
    case_id TEXT    NOT NULL,
    party   INTEGER NOT NULL,
    data    TEXT    NOT NULL CHECK (json_valid(data)),
    salt    TEXT    NOT NULL,
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
    sexual_misconduct INTEGER NOT NULL,
    published_on      TEXT,
    version           INTEGER NOT NULL
);
CREATE INDEX cases_by_force_status ON cases (force, status);
CREATE INDEX cases_by_received ON cases (received_on);

CREATE TABLE subjects (
    case_id        TEXT    NOT NULL,
    party          INTEGER NOT NULL,
    subject_kind   TEXT    NOT NULL,
    rank           TEXT,
    service_number TEXT,
    force          TEXT    NOT NULL,
    former         INTEGER NOT NULL,
    PRIMARY KEY (case_id, party)
);
CREATE INDEX subjects_by_service_number ON subjects (force, service_number);

CREATE TABLE allegations (
    case_id    TEXT    NOT NULL,
    allegation INTEGER NOT NULL,
    category   TEXT    NOT NULL,
    PRIMARY KEY (case_id, allegation)
);
CREATE INDEX allegations_by_category ON allegations (category);

CREATE TABLE findings (
    case_id       TEXT    NOT NULL,
    subject       INTEGER NOT NULL,
    allegation    INTEGER NOT NULL,
    opinion       TEXT,
    determination TEXT,
    outcome       TEXT    NOT NULL,
    PRIMARY KEY (case_id, subject, allegation)
);
