-- The tenant check of every commit (write.rs, check_references) looks up the
-- tenant of each alert and incident that the commit's rows refer to without
-- writing it. With the tenant in the primary key's leaf entries, that lookup
-- is an index-only scan instead of a visit to a random heap page. At a
-- million active alerts (the alerts table far larger than shared buffers),
-- 50,000 re-sent alerts made the check read 45,000 heap pages and take 3.4x
-- as long as at 10,000 alerts; with the tenant in the key, 3,500 pages and
-- 1.9x.
--
-- The (tenant, id) keys of incidents and payloads served only the foreign
-- keys that 0006 dropped; the primary key already makes each id unique.
-- Keep in step with ../sqlite/0007_tenant_in_primary_keys.sql.

ALTER TABLE alerts
    DROP CONSTRAINT alerts_pkey,
    ADD CONSTRAINT alerts_pkey PRIMARY KEY (id) INCLUDE (tenant);
ALTER TABLE incidents
    DROP CONSTRAINT incidents_tenant_id_key,
    DROP CONSTRAINT incidents_pkey,
    ADD CONSTRAINT incidents_pkey PRIMARY KEY (id) INCLUDE (tenant);
ALTER TABLE payloads DROP CONSTRAINT payloads_tenant_id_key;
