-- The duties still to be done in each case and their due days (a read model), for work queues
-- and the overdue report. Filled for existing cases by the rebuild that opening runs once
-- (read_model_rebuilds).
CREATE TABLE duties (
    case_id TEXT    NOT NULL,
    clock   TEXT    NOT NULL,
    about   TEXT    NOT NULL,
    period  INTEGER NOT NULL,
    due     TEXT,
    owner   TEXT    NOT NULL,
    paused  INTEGER NOT NULL
);
CREATE INDEX duties_by_case ON duties (case_id);
CREATE INDEX duties_by_due ON duties (due, case_id);

-- Read models added to a store that already holds cases: opening rebuilds them, then clears this.
CREATE TABLE read_model_rebuilds (
    model TEXT PRIMARY KEY
);
INSERT INTO read_model_rebuilds (model) SELECT 'duties' WHERE EXISTS (SELECT 1 FROM events);

-- Bank-holiday data imported after the bundled years (GOV.UK format), applied in order.
CREATE TABLE holiday_data (
    seq         INTEGER PRIMARY KEY,
    imported_at INTEGER NOT NULL,
    covers_from TEXT    NOT NULL,
    covers_to   TEXT    NOT NULL,
    json        TEXT    NOT NULL
);

-- Notices of duties coming due and overdue, queued in the transaction of the event that made
-- the duty, one per recipient, duty and kind (the unique key: never queued twice), delivered
-- at least once by the delivery worker of any server (a claim is a lease that expires).
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    case_id       TEXT    NOT NULL,
    reference     TEXT    NOT NULL,
    recipient     TEXT    NOT NULL,
    clock         TEXT    NOT NULL,
    about         TEXT    NOT NULL,
    period        INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    due           TEXT,
    send_after    INTEGER NOT NULL,
    queued_at     INTEGER NOT NULL,
    claimed_by    TEXT,
    claimed_until INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    sent_at       INTEGER,
    cancelled_at  INTEGER,
    UNIQUE (recipient, case_id, clock, about, period, kind)
);
CREATE INDEX outbox_waiting ON outbox (send_after) WHERE sent_at IS NULL AND cancelled_at IS NULL;
