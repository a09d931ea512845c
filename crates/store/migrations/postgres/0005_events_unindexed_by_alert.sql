-- Nothing reads events by alert, and the index cost a write to a random
-- page for every event stored: under an alert storm, that is what the disk
-- did most. A forensic query by alert scans events instead (or creates the
-- index by hand). Keep in step with ../sqlite/0005_events_unindexed_by_alert.sql.

DROP INDEX events_alert_id;
