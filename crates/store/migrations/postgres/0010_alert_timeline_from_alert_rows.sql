-- An alert's "attached" and "resolved" lines on its incident's timeline
-- are read from its row instead of being rows of their own: in an alert
-- storm they were most of the timeline, and its table and its index by
-- incident a quarter of the pages each commit wrote. The row already holds
-- when (first_seen, resolved_at), what (id, summary) and where (incident);
-- these columns add who, and the summary as it was when the alert attached
-- if a later event changed it.
--
-- attached_by: the source kind of the event that attached the alert to an
--   incident already open (NULL for the alert that opened it).
-- resolved_by: the source kind of the event that resolved it (NULL while
--   it fires, and when it was resolved with its incident by hand).
-- attached_summary: NULL while the summary is the one it attached with.
--
-- Rows written before this version keep NULLs, and their lines stay in the
-- timeline table, so nothing is shown twice.
ALTER TABLE alerts ADD COLUMN attached_by TEXT;
ALTER TABLE alerts ADD COLUMN resolved_by TEXT;
ALTER TABLE alerts ADD COLUMN attached_summary TEXT;

-- Keep in step with ../sqlite/0010_alert_timeline_from_alert_rows.sql.
