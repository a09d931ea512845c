//! SQLite, the embedded default: one file in WAL mode; writers take the lock up front.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};

use crate::StoreError;
use crate::backend::store_impl;
use crate::rows::RowReader;

/// Writes are serialised by the engine loop; a few connections serve reads.
const MAX_CONNECTIONS: u32 = 4;
/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// `PRAGMA cache_size` in KiB (negative: a size, not a page count): 64 MiB.
const CACHE_SIZE_KIB: &str = "-65536";

/// Nothing to lock: `BEGIN IMMEDIATE` already holds the database's write lock.
const NO_LOCKS: &[&str] = &[];

store_impl! {
    /// The store on an SQLite file.
    pub struct SqliteStore(sqlx::Pool<sqlx::Sqlite>);
    engine: "sqlite",
    // A deferred transaction that reads and then writes can fail with
    // SQLITE_BUSY without waiting; IMMEDIATE waits for the lock instead.
    begin_write: "BEGIN IMMEDIATE",
    begin_read: "BEGIN",
    migration_lock: NO_LOCKS,
    audit_lock: NO_LOCKS,
    // Safe because the transaction holds the write lock.
    payload_ids: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                  SELECT (SELECT COALESCE(MAX(id), 0) FROM payloads) + i AS id FROM n",
    migrations: crate::migrate::SQLITE,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `target`, a path or a
    /// `sqlite:` URL. Does not migrate.
    pub(crate) async fn connect(target: &str) -> Result<Self, StoreError> {
        let options = if target.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(target)?
        } else {
            SqliteConnectOptions::new().filename(target)
        };
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            // The default 2 MiB page cache misses on every alert once some
            // tens of thousands are active; this keeps the hot B-tree pages.
            .pragma("cache_size", CACHE_SIZE_KIB);
        let pool =
            SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS).connect_with(options).await?;
        Ok(Self::from_pool(pool))
    }
}

impl RowReader for SqliteRow {
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(column)?)
    }

    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(column)?)
    }

    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.try_get(column)?)
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(column)?)
    }

    /// Stored as 0 or 1 (the table is STRICT, so there is no BOOLEAN type).
    fn boolean(&self, column: &str) -> Result<bool, StoreError> {
        match self.try_get::<i64, _>(column)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(crate::codec::corrupt(column, &other.to_string(), "expected 0 or 1")),
        }
    }
}
