-- Nothing to change on SQLite. Its alerts and incidents tables are keyed by
-- their rowid, and the row that the key finds holds the tenant, so the
-- tenant check of every commit (write.rs, check_references) is already one
-- B-tree seek per reference. payloads keeps its UNIQUE (tenant, id): dropping
-- it would mean copying the whole table. Keep in step with
-- ../postgres/0007_tenant_in_primary_keys.sql, which puts the tenant in the
-- primary keys' leaf entries.
SELECT 1;
