-- Request bodies of 256 bytes and more are stored lz4-compressed on SQLite,
-- in body_lz4 (the uncompressed size first, 4 bytes little-endian, then an
-- lz4 block), with body left empty; shorter ones, and any that compressing
-- would not make smaller, stay in body. Under an alert storm the bodies
-- were the largest share of the pages each commit wrote.
--
-- PostgreSQL compresses bodies itself (lz4 since version 9): it gets the
-- column too, always NULL, so that one query reads bodies on both.
-- Bodies stored before this version stay as they are.
ALTER TABLE payloads ADD COLUMN body_lz4 BLOB;

-- Keep in step with ../postgres/0011_payload_bodies_compressed_on_sqlite.sql.
