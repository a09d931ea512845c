-- Indexes that nearly every commit under an alert storm rewrote, for
-- checks and reads that need them less than the commits do. Flat out on
-- SQLite, each was a page or more written per commit of a dozen requests.
--
-- At most one unresolved alert per (tenant, dedup_key) is kept by the
-- engine, the only writer of alerts (one server per database, see the
-- README's Storage section), whose active alerts are a map by that key; a
-- start-up that finds two resolves the earlier (engine.rs, restore_alerts).
-- The unique index that checked it too took a random leaf page per alert
-- fired or resolved: a fifth of the bytes written per alert.
DROP INDEX alerts_one_unresolved_per_dedup_key;

-- Every change to an open incident moved its entries in both indexes by
-- updated_at. Lists of open incidents now read the open ones by the
-- partial index on their group keys (there are as many as the engine holds
-- in memory) and sort them; lists of resolved incidents, which can be
-- millions, read these partial indexes, which an open incident's changes
-- do not touch.
DROP INDEX incidents_status_updated_at;
DROP INDEX incidents_tenant_updated_at;
CREATE INDEX incidents_resolved_by_updated_at
    ON incidents (updated_at, id) WHERE status = 'resolved';
CREATE INDEX incidents_resolved_by_tenant_updated_at
    ON incidents (tenant, updated_at, id) WHERE status = 'resolved';

-- Keep in step with ../sqlite/0008_fewer_indexes_per_commit.sql.
