-- What the public side reads: published items, their themes and the learning-recommendations
-- register (read models, filled by the rebuild that opening runs), with full-text indexes
-- (FTS5, external content: the index holds no second copy of the text) kept by triggers.
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
    year           INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    corrections    TEXT    NOT NULL,
    source         TEXT
);
CREATE INDEX published_items_by_case ON published_items (case_id);
CREATE INDEX published_items_by_reference ON published_items (reference);
CREATE INDEX published_items_by_day ON published_items (published_on, reference);
CREATE VIRTUAL TABLE published_search USING fts5(
    title, themes, summary,
    content = 'published_items', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER published_items_indexed AFTER INSERT ON published_items BEGIN
    INSERT INTO published_search (rowid, title, themes, summary)
        VALUES (new.rowid, new.title, new.themes, new.summary);
END;
CREATE TRIGGER published_items_unindexed AFTER DELETE ON published_items BEGIN
    INSERT INTO published_search (published_search, rowid, title, themes, summary)
        VALUES ('delete', old.rowid, old.title, old.themes, old.summary);
END;
CREATE TRIGGER published_items_reindexed AFTER UPDATE ON published_items BEGIN
    INSERT INTO published_search (published_search, rowid, title, themes, summary)
        VALUES ('delete', old.rowid, old.title, old.themes, old.summary);
    INSERT INTO published_search (rowid, title, themes, summary)
        VALUES (new.rowid, new.title, new.themes, new.summary);
END;

CREATE TABLE published_themes (
    case_id TEXT NOT NULL,
    theme   TEXT NOT NULL
);
CREATE INDEX published_themes_by_case ON published_themes (case_id);
CREATE INDEX published_themes_by_theme ON published_themes (theme, case_id);

CREATE TABLE published_recommendations (
    case_id      TEXT    NOT NULL,
    reference    TEXT    NOT NULL,
    number       INTEGER NOT NULL,
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
    published_on TEXT    NOT NULL
);
CREATE INDEX published_recommendations_by_case ON published_recommendations (case_id);
CREATE INDEX published_recommendations_by_reference ON published_recommendations (reference, number);
CREATE INDEX published_recommendations_by_day ON published_recommendations (made_on, reference, number);
CREATE VIRTUAL TABLE published_recommendation_search USING fts5(
    recipient, text, response,
    content = 'published_recommendations', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER published_recommendations_indexed AFTER INSERT ON published_recommendations BEGIN
    INSERT INTO published_recommendation_search (rowid, recipient, text, response)
        VALUES (new.rowid, new.recipient, new.text, coalesce(new.response, ''));
END;
CREATE TRIGGER published_recommendations_unindexed AFTER DELETE ON published_recommendations BEGIN
    INSERT INTO published_recommendation_search (published_recommendation_search, rowid, recipient, text, response)
        VALUES ('delete', old.rowid, old.recipient, old.text, coalesce(old.response, ''));
END;
CREATE TRIGGER published_recommendations_reindexed AFTER UPDATE ON published_recommendations BEGIN
    INSERT INTO published_recommendation_search (published_recommendation_search, rowid, recipient, text, response)
        VALUES ('delete', old.rowid, old.recipient, old.text, coalesce(old.response, ''));
    INSERT INTO published_recommendation_search (rowid, recipient, text, response)
        VALUES (new.rowid, new.recipient, new.text, coalesce(new.response, ''));
END;

-- Ranked by bm25 with a title worth ten words of summary, a theme four.
INSERT INTO published_search (published_search, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)');
INSERT INTO published_recommendation_search (published_recommendation_search, rank) VALUES ('rank', 'bm25(2.0, 4.0, 1.0)');

INSERT INTO read_model_rebuilds (model)
    SELECT m FROM (SELECT 'published_items' AS m UNION ALL SELECT 'published_themes'
                   UNION ALL SELECT 'published_recommendations')
    WHERE EXISTS (SELECT 1 FROM events)
    ON CONFLICT DO NOTHING;
