-- The duties still to be done in each case and their due days (a read model), for work queues
-- and the overdue report. Filled for existing cases by the rebuild that opening runs once
-- (read_model_rebuilds).
CREATE TABLE duties (
    case_id TEXT    NOT NULL,
    clock   TEXT    NOT NULL,
    about   TEXT    NOT NULL,
    period  BIGINT  NOT NULL,
    due     TEXT,
    owner   TEXT    NOT NULL,
    paused  BOOLEAN NOT NULL
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
    seq         BIGSERIAL PRIMARY KEY,
    imported_at BIGINT  NOT NULL,
    covers_from TEXT    NOT NULL,
    covers_to   TEXT    NOT NULL,
    json        TEXT    NOT NULL
);
