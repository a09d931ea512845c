-- At most one unresolved alert per (tenant, dedup_key) is kept by the
-- engine, the only writer of alerts (one server per database, see the
-- README's Storage section), whose active alerts are a map by that key; a
-- restart that finds two resolves the earlier (engine.rs, restore_alerts).
-- The unique index that also checked it put a random leaf page into nearly
-- every commit, one per alert fired or resolved: flat out on SQLite, a
-- fifth of the bytes written per alert and of the alerts per second.
-- Keep in step with ../postgres/0008_alert_keys_kept_by_the_engine.sql.

DROP INDEX alerts_one_unresolved_per_dedup_key;
