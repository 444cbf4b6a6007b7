-- What the public side reads: published items, their themes and the learning-recommendations
-- register (read models, filled by the rebuild that opening runs), with full-text search by
-- PostgreSQL's text search: a weighted tsvector kept by the database (title, then themes,
-- then summary) under a GIN index.
CREATE TABLE published_items (
    case_id        TEXT    NOT NULL,
    reference      TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    summary        TEXT    NOT NULL,
    force          TEXT    NOT NULL,
    force_name     TEXT    NOT NULL,
    themes         TEXT    NOT NULL,
    incident_month TEXT,
    published_on   TEXT    NOT NULL,
    year           BIGINT  NOT NULL,
    version        BIGINT  NOT NULL,
    corrections    TEXT    NOT NULL,
    source         TEXT,
    search         tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', themes), 'B')
        || setweight(to_tsvector('english', summary), 'C')
    ) STORED
);
CREATE INDEX published_items_by_case ON published_items (case_id);
CREATE INDEX published_items_by_reference ON published_items (reference);
CREATE INDEX published_items_by_day ON published_items (published_on, reference);
CREATE INDEX published_items_search ON published_items USING GIN (search);

CREATE TABLE published_themes (
    case_id TEXT NOT NULL,
    theme   TEXT NOT NULL
);
CREATE INDEX published_themes_by_case ON published_themes (case_id);
CREATE INDEX published_themes_by_theme ON published_themes (theme, case_id);

CREATE TABLE published_recommendations (
    case_id      TEXT    NOT NULL,
    reference    TEXT    NOT NULL,
    number       BIGINT  NOT NULL,
    recipient    TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    force        TEXT    NOT NULL,
    force_name   TEXT    NOT NULL,
    made_on      TEXT    NOT NULL,
    response_due TEXT    NOT NULL,
    acceptance   TEXT,
    response     TEXT,
    responded_on TEXT,
    closed_on    TEXT,
    published_on TEXT    NOT NULL,
    search       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', recipient), 'B')
        || setweight(to_tsvector('english', text), 'A')
        || setweight(to_tsvector('english', coalesce(response, '')), 'C')
    ) STORED
);
CREATE INDEX published_recommendations_by_case ON published_recommendations (case_id);
CREATE INDEX published_recommendations_by_reference ON published_recommendations (reference, number);
CREATE INDEX published_recommendations_by_day ON published_recommendations (made_on, reference, number);
CREATE INDEX published_recommendations_search ON published_recommendations USING GIN (search);

INSERT INTO read_model_rebuilds (model)
    SELECT m FROM (VALUES ('published_items'), ('published_themes'), ('published_recommendations')) AS v (m)
    WHERE EXISTS (SELECT 1 FROM events)
    ON CONFLICT DO NOTHING;
