//! PostgreSQL, the path past one machine: the same schema, locks where SQLite needs none.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::ConnectOptions as _;
use sqlx::Postgres;
use sqlx::Row as _;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPoolOptions, PgRow};

use crate::StoreError;
use crate::backend::store_impl;
use crate::codec::{Param, Placeholders};
use crate::rows::RowReader;
use crate::write::{self, Dialect, WriteTx};

const MAX_CONNECTIONS: u32 = 8;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The advisory lock the one server running on a database holds.
const ENGINE_LOCK: i64 = 7291058406518;
/// Serialises concurrent `migrate` calls (two nodes starting at once).
const MIGRATION_LOCK: &[&str] = &["SELECT pg_advisory_xact_lock(7291058406517)"];
/// Serialises appends to the audit chain, so that two writers cannot both
/// read the same last hash and fork it. Readers are not blocked.
const AUDIT_LOCK: &[&str] = &["LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"];

store_impl! {
    /// The store on a PostgreSQL database.
    pub struct PgStore(sqlx::Pool<sqlx::Postgres>);
    engine: "postgres",
    begin_write: "BEGIN",
    begin_read: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    migration_lock: MIGRATION_LOCK,
    // Writes go through the pool too.
    fields: {},
    migrations: crate::migrate::POSTGRES,
}

static DIALECT: Dialect = Dialect {
    placeholders: Placeholders::Numbered,
    payload_ids: "SELECT nextval(pg_get_serial_sequence('payloads', 'id')) AS id \
                  FROM generate_series(1, $1)",
    audit_lock: AUDIT_LOCK,
};

impl PgStore {
    /// Connects to a `postgres://` URL. Does not migrate.
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("watchfloor");
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // No round trip to check each connection before use (one per
            // transaction, an eighth of a commit's): a connection the server
            // dropped fails its next statement, the engine loop reloads and
            // the requests of that batch get a 5xx to retry.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// See [`crate::Store::commit`]; `batch` is not empty.
    pub(crate) async fn commit(&self, batch: &crate::CommitBatch) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        write::commit(&mut PgTx(&mut tx), batch).await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`crate::Store::import`]; `batch` has events, each with an external id.
    pub(crate) async fn import(
        &self,
        batch: &crate::ImportBatch,
    ) -> Result<crate::ImportOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        let outcome = write::import(&mut PgTx(&mut tx), batch).await?;
        if outcome.imported == 0 {
            // Everything was imported before: leave no payload behind.
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// See [`crate::Store::record_delivery`].
    pub(crate) async fn record_delivery(
        &self,
        id: i64,
        outcome: &crate::DeliveryOutcome,
        timeline: &domain::TimelineEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        write::record_delivery(&mut PgTx(&mut tx), id, outcome, timeline).await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`crate::Store::claim_engine`]: a session advisory lock, held by
    /// a connection of its own for as long as the claim lives (the server
    /// releases it when that connection ends, however the process ends).
    pub(crate) async fn claim_engine(&self) -> Result<crate::EngineClaim, StoreError> {
        let mut connection = self.pool.connect_options().connect().await?;
        let claimed: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(ENGINE_LOCK)
            .fetch_one(&mut connection)
            .await?;
        if !claimed {
            return Err(StoreError::Claimed(format!(
                "it holds PostgreSQL advisory lock {ENGINE_LOCK}"
            )));
        }
        Ok(crate::EngineClaim::Connection(connection))
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A write transaction on one pooled connection.
struct PgTx<'c>(&'c mut PgConnection);

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

fn bind<'q>(query: PgQuery<'q>, params: Vec<Param<'q>>) -> PgQuery<'q> {
    params.into_iter().fold(query, |query, param| match param {
        Param::Int(value) => query.bind(value),
        Param::OptInt(value) => query.bind(value),
        Param::Text(value) => query.bind(value),
        Param::OptText(value) => query.bind(value),
        Param::Owned(value) => query.bind(value),
        Param::Bool(value) => query.bind(value),
    })
}

impl WriteTx for PgTx<'_> {
    fn dialect(&self) -> &'static Dialect {
        &DIALECT
    }

    async fn execute(&mut self, sql: &str, params: Vec<Param<'_>>) -> Result<u64, StoreError> {
        Ok(bind(sqlx::query(sql), params).execute(&mut *self.0).await?.rows_affected())
    }

    async fn ints(&mut self, sql: &str, params: Vec<Param<'_>>) -> Result<Vec<i64>, StoreError> {
        let rows = bind(sqlx::query(sql), params).fetch_all(&mut *self.0).await?;
        Ok(rows.iter().map(|row| row.try_get(0)).collect::<Result<_, _>>()?)
    }

    async fn texts(
        &mut self,
        sql: &str,
        params: Vec<Param<'_>>,
    ) -> Result<Vec<String>, StoreError> {
        let rows = bind(sqlx::query(sql), params).fetch_all(&mut *self.0).await?;
        Ok(rows.iter().map(|row| row.try_get(0)).collect::<Result<_, _>>()?)
    }

    async fn int_and_text(&mut self, sql: &str) -> Result<Option<(i64, String)>, StoreError> {
        match sqlx::query(sql).fetch_optional(&mut *self.0).await? {
            Some(row) => Ok(Some((row.try_get(0)?, row.try_get(1)?))),
            None => Ok(None),
        }
    }
}

impl RowReader for PgRow {
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

    fn boolean(&self, column: &str) -> Result<bool, StoreError> {
        Ok(self.try_get(column)?)
    }
}
