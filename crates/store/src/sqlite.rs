//! SQLite, the embedded default: one file in WAL mode. Reads go through an
//! sqlx pool; writes through one rusqlite connection of their own, each
//! transaction in one blocking call (an sqlx statement is a round trip to its
//! connection's thread, and a commit has about ten), taking the lock up front.

use std::path::Path;
use std::str::FromStr as _;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rusqlite::types::{Null, ToSqlOutput};
use rusqlite::{OpenFlags, ToSql, TransactionBehavior, params_from_iter};

use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};

use crate::StoreError;
use crate::backend::store_impl;
use crate::checkpoint::Checkpointer;
use crate::codec::Param;
use crate::rows::RowReader;
use crate::write::{self, Dialect, PayloadIds, WriteTx};

/// Reads: a few connections (writes have [`Writer`]).
const MAX_CONNECTIONS: u32 = 4;
/// How long a read waits for a lock another connection holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the writer waits for another process's write lock before its
/// commit fails (every request it holds answered 503, the state reloaded):
/// `watchfloor import` holds it for a whole file, 2.5 s for 100,000 records
/// here, longer on a slower disk.
const WRITER_BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Statements the writer keeps prepared: every chunk size of every insert.
const STATEMENT_CACHE: usize = 128;
/// The writer's `PRAGMA cache_size` in KiB (negative: a size, not a page
/// count): 16 MiB. SQLite's default 2 MiB misses on every alert once some
/// tens of thousands are active; this keeps the hot B-tree pages. A larger
/// cache costs every commit while the database is under 1 GiB: splitting a
/// B-tree page parks a page at the lock-byte page's number (262,145 with
/// 4 KiB pages), past the end of the file, and the commit then walks the
/// cache's whole hash table to drop pages beyond the end (SQLite 3.46,
/// `pcache1TruncateUnsafe`, 3-8 % of the server's CPU at batches of 1 with
/// 64 MiB). Flat out at batches of 1, four interleaved pairs, 16 MiB
/// against 64 MiB: 11.6k, 11.7k, 11.1k and 10.6k against 8.4k, 10.5k,
/// 10.1k and 11.2k alerts/s, the server's CPU per alert 2-27 % lower; at
/// 1,000,000 active alerts the re-sends cost no more (1.24 against 1.28
/// CPU seconds per 100k, one run each).
const CACHE_SIZE_KIB: &str = "-16384";
/// Each reader's: 8 MiB, for the pages a NOC view reads.
const READER_CACHE_SIZE_KIB: &str = "-8192";
/// The WAL length, in pages, at which the commit that crosses it copies the
/// WAL into the database file (SQLite's automatic checkpoint; its default
/// is 1,000). The pages a storm rewrites commit after commit (its incidents,
/// the last pages of each table and index) are copied once per checkpoint,
/// not once per thousand pages: flat out, 30–80 % more alerts/s in one run.
/// The cost, a longer pause for the commit that checkpoints (up to 40 MiB
/// to copy), is mostly taken off it by [`Checkpointer`] while the writer is
/// quiet.
const AUTOCHECKPOINT_PAGES: u32 = 10_000;

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
    // Writes go through a connection of their own: see [`Writer`].
    fields: { writer: Arc<Writer>, path: Arc<Path> },
    migrations: crate::migrate::SQLITE,
}

static DIALECT: Dialect = Dialect {
    // The transaction holds the write lock. (A recursive query that
    // counted them out built and dropped a temporary B-tree, with its page
    // cache, in every commit: 2 % of the server's CPU at batches of 1.)
    payload_ids: PayloadIds::AfterMax("SELECT COALESCE(MAX(id), 0) FROM payloads"),
    audit_lock: NO_LOCKS,
    compress_bodies: true,
};

/// The connection every write goes through, with its prepared statements
/// (`None` once the store is closed), and the thread that copies its WAL
/// into the database file.
#[derive(Debug)]
pub(crate) struct Writer {
    connection: Mutex<Option<rusqlite::Connection>>,
    checkpointer: Checkpointer,
}

impl Writer {
    fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(WRITER_BUSY_TIMEOUT)?;
        // The same settings as the pool's connections (WAL is the file's own),
        // and statement journals in memory: a multi-row statement inside a
        // transaction journals the pages it changes so that it alone can be
        // undone, and past 64 KiB SQLite spilled that journal to a temporary
        // file, one `pwrite` per page (in memory: 10-20 % more alerts/s
        // flat out at batches of 100). It is never needed after a crash.
        connection.execute_batch(&format!(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
             PRAGMA cache_size = {CACHE_SIZE_KIB}; \
             PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}; \
             PRAGMA temp_store = MEMORY;"
        ))?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let checkpointer = Checkpointer::start(path)?;
        Ok(Self { connection: Mutex::new(Some(connection)), checkpointer })
    }
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
            .pragma("cache_size", READER_CACHE_SIZE_KIB);
        if target.contains(":memory:") || target.contains("mode=memory") {
            return Err(StoreError::Encode {
                what: "SQLite target",
                message: "an in-memory database cannot be shared by the writer and the readers; \
                          give a file path"
                    .to_owned(),
            });
        }
        let path = options.get_filename().to_owned();
        let pool =
            SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS).connect_with(options).await?;
        // The pool created the file in WAL mode; the writer opens it after.
        let writer = Writer::open(&path)?;
        Ok(Self { pool, writer: Arc::new(writer), path: path.into() })
    }

    pub(crate) fn dialect(&self) -> &'static Dialect {
        &DIALECT
    }

    /// See [`crate::Store::writer_quiet`].
    pub(crate) fn writer_quiet(&self) {
        self.writer.checkpointer.quiet();
    }

    /// See [`crate::Store::commit`]; `batch` is not empty.
    pub(crate) async fn commit(&self, batch: &crate::CommitBatch) -> Result<(), StoreError> {
        self.write(|tx| ready(write::commit(tx, batch)).map(|()| ((), true)))
    }

    /// See [`crate::Store::import`]; `batch` has events, each with an external id.
    pub(crate) async fn import(
        &self,
        batch: &crate::ImportBatch,
    ) -> Result<crate::ImportOutcome, StoreError> {
        self.write(|tx| ready(write::import(tx, batch)))
    }

    /// See [`crate::Store::record_delivery`].
    pub(crate) async fn record_delivery(
        &self,
        id: i64,
        outcome: &crate::DeliveryOutcome,
        timeline: &domain::TimelineEntry,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            ready(write::record_delivery(tx, id, outcome, timeline)).map(|()| ((), true))
        })
    }

    /// See [`crate::Store::claim_engine`]: an exclusive lock on a file
    /// beside the database, which the system releases when the process ends,
    /// however it ends.
    pub(crate) fn claim_engine(&self) -> Result<crate::EngineClaim, StoreError> {
        let mut name = self.path.as_os_str().to_owned();
        name.push("-engine.lock");
        let path = std::path::PathBuf::from(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| StoreError::Claim(format!("{}: {error}", path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(crate::EngineClaim::File(file)),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(StoreError::Claimed(format!("it holds {}", path.display())))
            }
            Err(std::fs::TryLockError::Error(error)) => {
                Err(StoreError::Claim(format!("{}: {error}", path.display())))
            }
        }
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        // Waits for a write in flight.
        blocking(|| {
            lock(&self.writer).take();
            self.writer.checkpointer.stop();
        });
        self.pool.close().await;
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction on the writer
    /// connection, committing it when `work` says so and rolling it back
    /// otherwise (and on any error). It blocks (see [`blocking`]).
    fn write<R>(
        &self,
        work: impl FnOnce(&mut SqliteTx<'_>) -> Result<(R, bool), StoreError>,
    ) -> Result<R, StoreError> {
        let run = || {
            let mut writer = lock(&self.writer);
            let connection = writer.as_mut().ok_or(StoreError::Closed)?;
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (result, keep) = work(&mut SqliteTx(&tx))?;
            if keep {
                tx.commit()?;
            }
            Ok(result)
        };
        blocking(run)
    }
}

/// Runs `work`, which may block on the writer (its lock, SQLite's busy
/// timeout, an `fsync`): on the multi-threaded runtime the worker's other
/// tasks move to another thread meanwhile; on a current-thread runtime (the
/// server's engine loop, on a thread of its own, and the command-line
/// tools) it simply blocks.
fn blocking<R>(work: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

fn lock(writer: &Writer) -> std::sync::MutexGuard<'_, Option<rusqlite::Connection>> {
    // A panic mid-transaction dropped (rolled back) that transaction.
    writer.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Polls a future of the SQLite writer, which never waits, to its end.
fn ready<R>(future: impl Future<Output = Result<R, StoreError>>) -> Result<R, StoreError> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(StoreError::Corrupt("an SQLite write waited on nothing".to_owned())),
    }
}

/// The shared statements number their parameters `$1`, which sqlx maps to
/// positions and SQLite itself takes for names (numbered by first use);
/// `?1` is SQLite's positional form. No statement has a `$` elsewhere.
fn positional(sql: &str) -> std::borrow::Cow<'_, str> {
    if sql.contains('$') { sql.replace('$', "?").into() } else { sql.into() }
}

/// A write transaction on the writer connection.
struct SqliteTx<'c>(&'c rusqlite::Transaction<'c>);

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Int(value) => ToSqlOutput::from(*value),
            Param::OptInt(value) => value.map_or(ToSqlOutput::from(Null), ToSqlOutput::from),
            Param::Text(value) => ToSqlOutput::from(*value),
            Param::OptText(value) => value.map_or(ToSqlOutput::from(Null), ToSqlOutput::from),
            Param::Owned(value) => ToSqlOutput::from(value.as_str()),
            Param::Bool(value) => ToSqlOutput::from(*value),
            Param::OptBytes(value) => value.map_or(ToSqlOutput::from(Null), ToSqlOutput::from),
        })
    }
}

impl WriteTx for SqliteTx<'_> {
    fn dialect(&self) -> &'static Dialect {
        &DIALECT
    }

    async fn execute(&mut self, sql: &str, params: Vec<Param<'_>>) -> Result<u64, StoreError> {
        let mut statement = self.0.prepare_cached(&positional(sql))?;
        Ok(statement.execute(params_from_iter(params))? as u64)
    }

    async fn ints(&mut self, sql: &str, params: Vec<Param<'_>>) -> Result<Vec<i64>, StoreError> {
        let mut statement = self.0.prepare_cached(&positional(sql))?;
        let rows = statement.query_map(params_from_iter(params), |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    async fn texts(
        &mut self,
        sql: &str,
        params: Vec<Param<'_>>,
    ) -> Result<Vec<String>, StoreError> {
        let mut statement = self.0.prepare_cached(&positional(sql))?;
        let rows = statement.query_map(params_from_iter(params), |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    async fn int_and_text(&mut self, sql: &str) -> Result<Option<(i64, String)>, StoreError> {
        let mut statement = self.0.prepare_cached(&positional(sql))?;
        let mut rows = statement.query([])?;
        match rows.next()? {
            Some(row) => Ok(Some((row.get(0)?, row.get(1)?))),
            None => Ok(None),
        }
    }

    async fn insert_rows(
        &mut self,
        head: &str,
        columns: usize,
        tail: &str,
        rows: Vec<Vec<Param<'_>>>,
    ) -> Result<u64, StoreError> {
        write::insert_values(self, head, columns, tail, rows).await
    }

    async fn insert_payloads(
        &mut self,
        payloads: &[crate::PayloadRecord],
    ) -> Result<(), StoreError> {
        write::insert_payload_rows(self, payloads).await
    }

    async fn missing_parents(
        &mut self,
        parent: write::Parent,
        refs: &[(i64, &str)],
    ) -> Result<i64, StoreError> {
        write::count_missing_parents(self, parent, refs).await
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

    fn opt_bytes(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.try_get(column)?)
    }
}
