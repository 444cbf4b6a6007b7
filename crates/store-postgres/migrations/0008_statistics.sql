-- Statistics read models, in codes only: one row per case, and one per subject per
-- allegation, for cases recorded here and imported ones alike. Filled for existing cases by
-- the rebuild that opening runs once.
CREATE TABLE case_facts (
    case_id     TEXT    PRIMARY KEY,
    source      TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    received_on TEXT    NOT NULL,
    finalised_on TEXT,
    months_only BOOLEAN NOT NULL
);
CREATE INDEX case_facts_by_received ON case_facts (received_on);

CREATE TABLE allegation_facts (
    case_id               TEXT    NOT NULL,
    allegation            BIGINT  NOT NULL,
    source                TEXT    NOT NULL,
    body                  TEXT    NOT NULL,
    received_on           TEXT    NOT NULL,
    category              TEXT,
    source_category       TEXT,
    source_subcategory    TEXT,
    handling              TEXT    NOT NULL,
    finding               TEXT    NOT NULL,
    sanctioned            BOOLEAN,
    subject               TEXT,
    subject_ethnicity     TEXT,
    subject_sex           TEXT,
    subject_age_band      TEXT,
    complainant_ethnicity TEXT,
    complainant_sex       TEXT,
    complainant_age_band  TEXT
);
CREATE INDEX allegation_facts_by_case ON allegation_facts (case_id);
CREATE INDEX allegation_facts_by_received ON allegation_facts (received_on);
INSERT INTO read_model_rebuilds (model)
    SELECT m FROM (SELECT 'case_facts' AS m UNION ALL SELECT 'allegation_facts') AS v
    WHERE EXISTS (SELECT 1 FROM events)
    ON CONFLICT DO NOTHING;
