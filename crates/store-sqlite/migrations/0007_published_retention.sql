-- What a published item's retention period counts from: the day it was published here, or
-- the day an imported item was first imported (it was not public here before). Derived
-- rows: the column is added empty and filled by the rebuild that opening runs.
ALTER TABLE published_items ADD COLUMN retained_from TEXT NOT NULL DEFAULT '';
ALTER TABLE published_recommendations ADD COLUMN retained_from TEXT NOT NULL DEFAULT '';
INSERT INTO read_model_rebuilds (model)
    SELECT m FROM (SELECT 'published_items' AS m UNION ALL SELECT 'published_recommendations')
    WHERE EXISTS (SELECT 1 FROM events)
    ON CONFLICT DO NOTHING;
