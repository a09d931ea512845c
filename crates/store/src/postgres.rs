//! PostgreSQL, the path past one machine: the same schema, locks where SQLite needs none.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::Row as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};

use crate::StoreError;
use crate::backend::store_impl;
use crate::rows::RowReader;

const MAX_CONNECTIONS: u32 = 8;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

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
    audit_lock: AUDIT_LOCK,
    payload_ids: "SELECT nextval(pg_get_serial_sequence('payloads', 'id')) AS id \
                  FROM generate_series(1, $1)",
    migrations: crate::migrate::POSTGRES,
}

impl PgStore {
    /// Connects to a `postgres://` URL. Does not migrate.
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("watchfloor");
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        Ok(Self::from_pool(pool))
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
