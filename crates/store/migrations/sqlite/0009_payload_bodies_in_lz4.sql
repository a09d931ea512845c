-- Nothing to change on SQLite, which does not compress what it stores.
-- Keep in step with ../postgres/0009_payload_bodies_in_lz4.sql, which
-- has PostgreSQL compress request bodies with lz4 rather than pglz.
SELECT 1;
