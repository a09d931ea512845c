//! PostgreSQL, the path past one machine: the same schema, locks where SQLite needs none.

use std::str::FromStr as _;
use std::sync::LazyLock;
use std::time::Duration;

use sqlx::ConnectOptions as _;
use sqlx::Postgres;
use sqlx::Row as _;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPoolOptions, PgRow};

use crate::StoreError;
use crate::backend::store_impl;
use crate::codec::Param;
use crate::rows;
use crate::rows::RowReader;
use crate::write::{self, Dialect, PayloadIds, WriteTx};

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

/// The payload ids' sequence, looked up once per statement: as a function
/// argument, `pg_get_serial_sequence` (a scan of `pg_depend`) ran once per
/// row, 5.6 µs against 0.5 µs for `nextval` alone.
macro_rules! payload_sequence {
    () => {
        "(SELECT pg_get_serial_sequence('payloads', 'id')::regclass)"
    };
}

static DIALECT: Dialect = Dialect {
    payload_ids: PayloadIds::Sequence(concat!(
        "SELECT nextval(",
        payload_sequence!(),
        ") AS id FROM generate_series(1, $1)"
    )),
    audit_lock: AUDIT_LOCK,
    compress_bodies: false,
};

impl PgStore {
    pub(crate) fn dialect(&self) -> &'static Dialect {
        &DIALECT
    }

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
        let (outcome, keep) = write::import(&mut PgTx(&mut tx), batch).await?;
        if keep {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
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
        Param::OptBytes(value) => query.bind(value.map(<[u8]>::to_vec)),
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

    /// One statement, whatever the number of references: the ids and the
    /// tenants go as two arrays.
    async fn missing_parents(
        &mut self,
        parent: write::Parent,
        refs: &[(i64, &str)],
    ) -> Result<i64, StoreError> {
        let sql = match parent {
            write::Parent::Incidents => &*MISSING_INCIDENTS,
            write::Parent::Alerts => &*MISSING_ALERTS,
        };
        let ids: Vec<i64> = refs.iter().map(|&(id, _)| id).collect();
        let tenants: Vec<&str> = refs.iter().map(|&(_, tenant)| tenant).collect();
        let row = sqlx::query(sql).bind(ids).bind(tenants).fetch_one(&mut *self.0).await?;
        Ok(row.try_get(0)?)
    }

    /// One statement, one round trip, whatever the number of rows: each
    /// column goes as an array, unnested in order. Chunks of multi-row
    /// `VALUES` took a statement per chunk size: about three each for the
    /// incidents, the alerts and the timeline of a commit at batches of 1.
    async fn insert_rows(
        &mut self,
        head: &str,
        columns: usize,
        tail: &str,
        rows: Vec<Vec<Param<'_>>>,
    ) -> Result<u64, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let mut arrays: Vec<Vec<Param<'_>>> = vec![Vec::with_capacity(rows.len()); columns];
        for row in rows {
            push_row(&mut arrays, row.into_iter())?;
        }
        let types: Vec<&str> = arrays.iter().map(|column| array_type(column.first())).collect();
        let sql = unnest_sql(head, &types, tail);
        let mut query = sqlx::query(&sql);
        for (column, ty) in arrays.into_iter().zip(&types) {
            query = Array::of(column, ty)?.bind_to(query);
        }
        Ok(query.execute(&mut *self.0).await?.rows_affected())
    }

    /// One statement, one round trip, whatever the number of rows: each
    /// column goes as an array, the payloads take ids from the sequence in
    /// their order, and each event joins its payload by position.
    async fn insert_payloads(
        &mut self,
        payloads: &[crate::PayloadRecord],
    ) -> Result<(), StoreError> {
        let mut payload_columns: Vec<Vec<Param<'_>>> = vec![Vec::new(); PAYLOAD_ARRAYS.len()];
        let mut event_columns: Vec<Vec<Param<'_>>> = vec![Vec::new(); EVENT_ARRAYS.len()];
        for (position, payload) in (1_i64..).zip(payloads) {
            // PostgreSQL compresses bodies itself (`Store::compresses_bodies`).
            let crate::StoredBody::Text(body) = &payload.body else {
                return Err(StoreError::Encode {
                    what: "payload body",
                    message: "PostgreSQL takes bodies as text".to_owned(),
                });
            };
            let values = rows::payload_params(
                position,
                &payload.tenant,
                &payload.integration_service,
                &payload.source_kind,
                payload.received_at,
                Param::Text(body),
            );
            // All but `id`, which the statement takes from the sequence.
            push_row(&mut payload_columns, values.into_iter().skip(1))?;
            for event in &payload.events {
                // The payload's position stands for its id until the join.
                let values = rows::event_params(payload.tenant.as_str(), position, event)?;
                push_row(&mut event_columns, values.into_iter())?;
            }
        }
        let payload_arrays = payload_columns.into_iter().zip(PAYLOAD_ARRAYS);
        let event_arrays = event_columns.into_iter().zip(EVENT_ARRAYS);
        let mut query = sqlx::query(&PAYLOADS_AND_EVENTS);
        for (column, ty) in payload_arrays.chain(event_arrays) {
            query = Array::of(column, ty)?.bind_to(query);
        }
        let row = query.fetch_one(&mut *self.0).await?;
        let written: (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        let events = payloads.iter().map(|p| p.events.len()).sum::<usize>();
        if written != (payloads.len() as i64, events as i64) {
            return Err(StoreError::Corrupt(format!(
                "wrote {} payloads and {} events of {} and {events}",
                written.0,
                written.1,
                payloads.len()
            )));
        }
        Ok(())
    }
}

/// One column of rows, as a PostgreSQL array.
enum Array {
    Ints(Vec<Option<i64>>),
    Texts(Vec<Option<String>>),
    Bools(Vec<Option<bool>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

/// Appends `row` to `columns`, one value to each; a row of another length
/// is refused.
fn push_row<'a>(
    columns: &mut [Vec<Param<'a>>],
    row: impl ExactSizeIterator<Item = Param<'a>>,
) -> Result<(), StoreError> {
    if row.len() != columns.len() {
        return Err(StoreError::Encode {
            what: "rows",
            message: format!("a row of {} values for {} columns", row.len(), columns.len()),
        });
    }
    for (column, value) in columns.iter_mut().zip(row) {
        column.push(value);
    }
    Ok(())
}

/// The array type of a column whose first value is `first` ([`Array::of`]
/// refuses any later value of another type).
fn array_type(first: Option<&Param<'_>>) -> &'static str {
    match first {
        Some(Param::Int(_) | Param::OptInt(_)) => INT8_ARRAY,
        Some(Param::Bool(_)) => BOOL_ARRAY,
        Some(Param::OptBytes(_)) => BYTEA_ARRAY,
        Some(Param::Text(_) | Param::OptText(_) | Param::Owned(_)) | None => TEXT_ARRAY,
    }
}

/// `{head} SELECT c1, … FROM unnest($1::t1, …) WITH ORDINALITY … {tail}`:
/// the rows in the arrays' order, so that ids from a sequence follow it.
fn unnest_sql(head: &str, types: &[&str], tail: &str) -> String {
    let names: Vec<String> = (1..=types.len()).map(|i| format!("c{i}")).collect();
    let arrays: Vec<String> =
        types.iter().enumerate().map(|(i, ty)| format!("${}::{ty}", i + 1)).collect();
    format!(
        "{head} SELECT {names} FROM unnest({arrays}) WITH ORDINALITY AS u({names}, n) \
         ORDER BY n{tail}",
        names = names.join(", "),
        arrays = arrays.join(", "),
    )
}

impl Array {
    /// Binds the array as the query's next parameter.
    fn bind_to(self, query: PgQuery<'_>) -> PgQuery<'_> {
        match self {
            Array::Ints(values) => query.bind(values),
            Array::Texts(values) => query.bind(values),
            Array::Bools(values) => query.bind(values),
            Array::Bytes(values) => query.bind(values),
        }
    }

    /// The column as an array of `ty`; a value of another type is refused.
    fn of(column: Vec<Param<'_>>, ty: &str) -> Result<Array, StoreError> {
        let mismatch = || StoreError::Encode {
            what: "column array",
            message: format!("a value that is not of the column's type {ty}"),
        };
        let array = if ty == BOOL_ARRAY {
            let values = column.into_iter().map(|param| match param {
                Param::Bool(value) => Ok(Some(value)),
                _ => Err(mismatch()),
            });
            Array::Bools(values.collect::<Result<_, _>>()?)
        } else if ty == INT8_ARRAY {
            let values = column.into_iter().map(|param| match param {
                Param::Int(value) => Ok(Some(value)),
                Param::OptInt(value) => Ok(value),
                _ => Err(mismatch()),
            });
            Array::Ints(values.collect::<Result<_, _>>()?)
        } else if ty == BYTEA_ARRAY {
            let values = column.into_iter().map(|param| match param {
                Param::OptBytes(value) => Ok(value.map(<[u8]>::to_vec)),
                _ => Err(mismatch()),
            });
            Array::Bytes(values.collect::<Result<_, _>>()?)
        } else {
            let values = column.into_iter().map(|param| match param {
                Param::Text(value) => Ok(Some(value.to_owned())),
                Param::OptText(value) => Ok(value.map(str::to_owned)),
                Param::Owned(value) => Ok(Some(value)),
                _ => Err(mismatch()),
            });
            Array::Texts(values.collect::<Result<_, _>>()?)
        };
        Ok(array)
    }
}

const INT8_ARRAY: &str = "int8[]";
const TEXT_ARRAY: &str = "text[]";
const BOOL_ARRAY: &str = "bool[]";
const BYTEA_ARRAY: &str = "bytea[]";
/// The types of `rows::PAYLOAD_COLUMNS` but `id`, as arrays.
const PAYLOAD_ARRAYS: [&str; 5] = [TEXT_ARRAY, TEXT_ARRAY, TEXT_ARRAY, INT8_ARRAY, TEXT_ARRAY];
/// The types of `rows::EVENT_COLUMNS`, as arrays.
const EVENT_ARRAYS: [&str; 12] = [
    TEXT_ARRAY, INT8_ARRAY, INT8_ARRAY, TEXT_ARRAY, TEXT_ARRAY, TEXT_ARRAY, TEXT_ARRAY, TEXT_ARRAY,
    INT8_ARRAY, TEXT_ARRAY, TEXT_ARRAY, TEXT_ARRAY,
];

const _: () = assert!(PAYLOAD_ARRAYS.len() + 1 == rows::PAYLOAD_COLUMNS.len());
const _: () = assert!(EVENT_ARRAYS.len() == rows::EVENT_COLUMNS.len());

/// How many (id, tenant) pairs of `$1` and `$2` name no row of the table.
/// A scalar subquery, not `NOT EXISTS`: the planner would turn that into an
/// anti-join, and for the hundred rows it guesses an array holds, scan the
/// whole table with a hash, at every commit.
fn missing_parents_sql(table: &str) -> String {
    format!(
        "SELECT count(*) FROM unnest($1::{INT8_ARRAY}, $2::{TEXT_ARRAY}) AS r(id, tenant) \
         WHERE (SELECT p.tenant FROM {table} p WHERE p.id = r.id) IS DISTINCT FROM r.tenant"
    )
}

static MISSING_INCIDENTS: LazyLock<String> = LazyLock::new(|| missing_parents_sql("incidents"));
static MISSING_ALERTS: LazyLock<String> = LazyLock::new(|| missing_parents_sql("alerts"));

/// The statement of [`PgTx::insert_payloads`]: `$1..` the payload columns
/// (without `id`), then the event columns (`payload_id` holding the
/// payload's position); returns how many payloads and events it wrote.
static PAYLOADS_AND_EVENTS: LazyLock<String> = LazyLock::new(|| {
    let payload_columns = &rows::PAYLOAD_COLUMNS[1..];
    let arrays = |types: &[&str], first: usize| {
        types
            .iter()
            .enumerate()
            .map(|(i, ty)| format!("${}::{ty}", first + i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let event_list = rows::EVENT_COLUMNS.join(", ");
    let event_values = rows::EVENT_COLUMNS
        .iter()
        .map(|c| if *c == "payload_id" { "ids.id".to_owned() } else { format!("e.{c}") })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "WITH ids AS MATERIALIZED (\
           SELECT n, nextval({sequence}) AS id \
           FROM generate_series(1, cardinality($1::text[])) AS n ORDER BY n), \
         payload AS (INSERT INTO payloads (id, {payload_list}) \
           SELECT ids.id, {payload_values} FROM unnest({payload_arrays}) \
           WITH ORDINALITY AS p({payload_list}, n) JOIN ids USING (n) ORDER BY n RETURNING 1), \
         event AS (INSERT INTO events ({event_list}) \
           SELECT {event_values} FROM unnest({event_arrays}) \
           WITH ORDINALITY AS e({event_list}, position) \
           JOIN ids ON ids.n = e.payload_id ORDER BY e.position RETURNING 1) \
         SELECT (SELECT count(*) FROM payload), (SELECT count(*) FROM event)",
        sequence = payload_sequence!(),
        payload_list = payload_columns.join(", "),
        payload_values =
            payload_columns.iter().map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", "),
        payload_arrays = arrays(&PAYLOAD_ARRAYS, 1),
        event_arrays = arrays(&EVENT_ARRAYS, 1 + PAYLOAD_ARRAYS.len()),
    )
});

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

    fn opt_bytes(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.try_get(column)?)
    }
}
