-- The duties read model carries each case's reference, force, status and whether it is
-- restricted, so a work queue reads one covering index in due order, joins nothing for the
-- page it shows, and counts no more than it says. Derived rows:
-- dropped, made again with the new columns, and refilled by the rebuild that opening runs.
DROP TABLE duties;
CREATE TABLE duties (
    case_id    TEXT    NOT NULL,
    clock      TEXT    NOT NULL,
    about      TEXT    NOT NULL,
    period     BIGINT  NOT NULL,
    due        TEXT,
    owner      TEXT    NOT NULL,
    paused     BOOLEAN NOT NULL,
    reference  TEXT    NOT NULL,
    force      TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    restricted BOOLEAN NOT NULL
);
CREATE INDEX duties_by_case ON duties (case_id);
CREATE INDEX duties_by_due ON duties (due NULLS FIRST, case_id);
CREATE INDEX duties_by_owner ON duties (owner, due NULLS FIRST, case_id, clock, about, period, restricted, paused, force, reference, status);
CREATE INDEX duties_by_owner_force ON duties (owner, force, due NULLS FIRST, case_id, clock, about, period, restricted, paused, reference, status);
INSERT INTO read_model_rebuilds (model) SELECT 'duties' WHERE EXISTS (SELECT 1 FROM events)
    ON CONFLICT DO NOTHING;
