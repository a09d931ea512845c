//! Storage: one schema on SQLite and PostgreSQL, migrations, the transactional outbox and the audit chain.
//!
//! [`Store::open`] picks the engine from its argument and migrates. Every
//! query is written once (reads in `backend.rs`, write transactions in
//! `write.rs`) in SQL both engines accept:
//! `$n` placeholders, timestamps as unix milliseconds in 64-bit integers,
//! JSON as text. Rows go in as each engine writes many at once
//! (`WriteTx::insert_rows`): multi-row `VALUES` on SQLite, one statement of
//! column arrays on PostgreSQL. Millisecond storage truncates finer precision, so callers
//! that compare a stored value with the one they wrote should write
//! millisecond-precision timestamps (see [`truncate_to_millis`]).
//!
//! The database itself enforces the invariants: every row carries its tenant,
//! at most one open incident per `(tenant, group_key)`, and an append-only,
//! hash-chained audit log. At most one unresolved alert per
//! `(tenant, dedup_key)` is the engine's to keep, as the only writer of
//! alerts (schema version 8 dropped the unique index that also checked it).
//! That rows refer to each other only within one
//! tenant is checked by every commit, at most one query per referenced
//! table, in the same transaction (foreign keys checked it row by row until
//! schema version 6); on PostgreSQL the primary keys of alerts and incidents
//! hold the tenant, so that query reads only their indexes.

mod backend;
mod checkpoint;
mod codec;
mod error;
mod migrate;
mod model;
mod postgres;
mod rows;
mod sqlite;
mod write;

use domain::{Alert, Incident, IncidentId, TimelineEntry, Timestamp};

pub use codec::StoredBody;
pub use error::StoreError;
pub use model::{
    AuditEntry, AuditRecord, CommitBatch, Counts, Delivery, DeliveryOutcome, DeliveryRecord,
    DeliveryStatus, EventRecord, HandledImport, ImportBatch, ImportOutcome, ImportedEvent,
    IncidentFilter, LoadedState, OutboxRecord, PayloadRecord, PendingImport, StoredPayload,
};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// `at` without the sub-millisecond part the store does not keep.
pub fn truncate_to_millis(at: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at)
}

/// Whether `target` names a PostgreSQL database rather than an SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// What [`Store::commits_block`] will say of the store at `target` once open.
pub fn commits_block_at(target: &str) -> bool {
    !is_postgres_url(target)
}

/// What [`Store::claim_engine`] holds: the claim ends when this is dropped
/// (or the process ends).
#[derive(Debug)]
pub enum EngineClaim {
    /// An exclusive lock on the SQLite database's lock file.
    File(std::fs::File),
    /// The connection that holds PostgreSQL's advisory lock.
    Connection(sqlx::PgConnection),
}

/// The store, on whichever engine [`Store::open`] chose. Cheap to clone: the
/// clones share one connection pool.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $body:expr) => {
        match $self {
            Store::Sqlite($store) => $body,
            Store::Postgres($store) => $body,
        }
    };
}

impl Store {
    /// `postgres://…` or `postgresql://…` opens PostgreSQL; anything else is
    /// the path of an SQLite file (or a `sqlite:` URL), created if missing,
    /// in WAL mode with `synchronous=FULL` and a busy timeout. Runs the
    /// migrations.
    pub async fn open(target: &str) -> Result<Store, StoreError> {
        Self::open_at_version(target, i64::MAX).await
    }

    /// [`Store::open`], migrating no further than `version`: for tests of
    /// an upgrade from an older schema.
    #[doc(hidden)]
    pub async fn open_at_version(target: &str, version: i64) -> Result<Store, StoreError> {
        let store = if is_postgres_url(target) {
            Store::Postgres(PgStore::connect(target).await?)
        } else {
            Store::Sqlite(SqliteStore::connect(target).await?)
        };
        let opened = &store;
        dispatch!(opened, inner => inner.migrate_through(version).await)?;
        Ok(store)
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn engine_name(&self) -> &'static str {
        dispatch!(self, store => store.engine_name())
    }

    /// Applies pending migrations; a no-op when the schema is current.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self, store => store.migrate().await)
    }

    /// The newest applied migration version.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        dispatch!(self, store => store.schema_version().await)
    }

    /// A cheap round trip to the database, for readiness probes.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, store => store.ping().await)
    }

    /// Claims the database for this process's engine loop until the claim is
    /// dropped: the engine holds the active state in memory, and a second
    /// server writing to the same database would work from a state it does
    /// not hold. Fails with [`StoreError::Claimed`] while another process
    /// holds it. Other commands (`watchfloor import`) need no claim.
    pub async fn claim_engine(&self) -> Result<EngineClaim, StoreError> {
        match self {
            Store::Sqlite(store) => store.claim_engine(),
            Store::Postgres(store) => store.claim_engine().await,
        }
    }

    /// Closes the pool; every clone of this store stops working.
    pub async fn close(&self) {
        dispatch!(self, store => store.close().await)
    }

    /// Unresolved incidents, live silences and the id high-water marks, from
    /// one snapshot.
    pub async fn load_state(&self) -> Result<LoadedState, StoreError> {
        dispatch!(self, store => store.load_state().await)
    }

    /// Up to `limit` unresolved alerts with an id above `after_id`, by id: a
    /// page of the engine's state after a restart. Read while nothing else
    /// writes alerts (the server has claimed the database), the pages add
    /// up to one consistent set.
    pub async fn unresolved_alerts(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Alert>, StoreError> {
        dispatch!(self, store => store.unresolved_alerts(after_id, limit).await)
    }

    /// Writes the whole batch in one transaction, or nothing. A batch that
    /// breaks an invariant (a second open incident for a group key, a row of
    /// another tenant …) fails and leaves the database as it was.
    pub async fn commit(&self, batch: &CommitBatch) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        dispatch!(self, store => store.commit(batch).await)
    }

    /// Whether request bodies go to [`Store::commit`] compressed
    /// ([`StoredBody::new`]): on SQLite, by whoever builds the batch, which
    /// can do it before the engine loop's turn; PostgreSQL compresses its own.
    pub fn compresses_bodies(&self) -> bool {
        dispatch!(self, store => store.dialect().compress_bodies)
    }

    /// Whether [`Store::commit`] blocks its thread until the transaction is
    /// on disk (SQLite: one call, `fsync` included) rather than awaiting
    /// the database (PostgreSQL). See [`commits_block_at`] for a store not
    /// yet open.
    pub fn commits_block(&self) -> bool {
        matches!(self, Store::Sqlite(_))
    }

    /// Says that the engine loop committed and found nothing else queued.
    /// On SQLite, a quiet writer lets a thread of its own copy the WAL into
    /// the database file a little at a time, so that the commit which
    /// crosses the WAL's threshold (and copies the rest itself) pauses
    /// briefly. A writer that always has work queued leaves it all to that
    /// commit: copying beside back-to-back commits would slow each of them.
    /// PostgreSQL checkpoints on its own.
    pub fn writer_quiet(&self) {
        if let Store::Sqlite(store) = self {
            store.writer_quiet();
        }
    }

    /// Writes the events of an imported file whose external id the tenant
    /// does not have yet, with the file as their payload and an audit entry
    /// for the import, in one transaction; says how many were new and how
    /// many of those are marked for the engine. When none is new, nothing is
    /// written, not even the payload, so importing a file twice adds nothing
    /// (the database enforces one event per tenant and external id).
    pub async fn import(&self, batch: &ImportBatch) -> Result<ImportOutcome, StoreError> {
        write::check_import(batch)?;
        if batch.events.is_empty() {
            return Ok(ImportOutcome::default());
        }
        dispatch!(self, store => store.import(batch).await)
    }

    /// Up to `limit` imported events still marked for the engine, oldest
    /// first. [`CommitBatch::handled_imports`] clears the mark.
    pub async fn engine_pending(&self, limit: i64) -> Result<Vec<PendingImport>, StoreError> {
        dispatch!(self, store => store.engine_pending(limit).await)
    }

    /// Silences, newest first, expired ones included.
    pub async fn list_silences(
        &self,
        limit: i64,
    ) -> Result<Vec<domain::suppression::Silence>, StoreError> {
        dispatch!(self, s => s.list_silences(limit).await)
    }

    pub async fn silence(
        &self,
        id: domain::SilenceId,
    ) -> Result<Option<domain::suppression::Silence>, StoreError> {
        dispatch!(self, s => s.silence(id).await)
    }

    /// Newest updated first.
    pub async fn list_incidents(
        &self,
        filter: &IncidentFilter,
    ) -> Result<Vec<Incident>, StoreError> {
        dispatch!(self, store => store.list_incidents(filter).await)
    }

    pub async fn incident(&self, id: IncidentId) -> Result<Option<Incident>, StoreError> {
        dispatch!(self, store => store.incident(id).await)
    }

    /// Every alert ever attached to the incident, oldest first.
    pub async fn incident_alerts(&self, id: IncidentId) -> Result<Vec<Alert>, StoreError> {
        dispatch!(self, store => store.incident_alerts(id).await)
    }

    /// The incident's lines: its timeline rows and its alerts' "attached"
    /// and "resolved" lines, read from their rows. Ordered by time; within
    /// a millisecond, "opened" first, then the alerts' lines by alert, then
    /// the other rows as inserted.
    pub async fn incident_timeline(
        &self,
        id: IncidentId,
    ) -> Result<Vec<TimelineEntry>, StoreError> {
        dispatch!(self, store => store.incident_timeline(id).await)
    }

    /// Pending deliveries with `next_attempt_at <= now`, oldest first.
    pub async fn due_deliveries(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        dispatch!(self, store => store.due_deliveries(now, limit).await)
    }

    /// In one transaction: applies the outcome of an attempt to the pending
    /// delivery `id` (counting the attempt) and appends `timeline`, which must
    /// belong to the delivery's incident.
    pub async fn record_delivery(
        &self,
        id: i64,
        outcome: &DeliveryOutcome,
        timeline: &TimelineEntry,
    ) -> Result<(), StoreError> {
        dispatch!(self, store => store.record_delivery(id, outcome, timeline).await)
    }

    /// Newest first; `None` lists every status.
    pub async fn list_deliveries(
        &self,
        status: Option<DeliveryStatus>,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        dispatch!(self, store => store.list_deliveries(status, limit).await)
    }

    /// Raw payloads with an id above `after_id`, oldest first (export, replay).
    pub async fn payloads_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<StoredPayload>, StoreError> {
        dispatch!(self, store => store.payloads_after(after_id, limit).await)
    }

    pub async fn counts(&self) -> Result<Counts, StoreError> {
        dispatch!(self, store => store.counts().await)
    }

    /// The newest `limit` audit records, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        dispatch!(self, store => store.audit_log(limit).await)
    }

    /// `None` if every audit record follows from its predecessor; otherwise
    /// the seq of the first that does not (edited, reordered or missing rows).
    pub async fn verify_audit_chain(&self) -> Result<Option<i64>, StoreError> {
        dispatch!(self, store => store.verify_audit_chain().await)
    }
}

/// The server runs store calls on spawned tasks, so every future must be
/// `Send`; rustc can lose that through sqlx's executor lifetimes (it did with
/// `sqlx::raw_sql`), and this fails to compile if it happens again.
#[cfg(test)]
#[allow(dead_code)]
mod futures_are_send {
    use super::*;

    fn assert_send<T: Send>(_: T) {}

    fn every_method(
        store: Store,
        batch: CommitBatch,
        filter: IncidentFilter,
        entry: TimelineEntry,
        import: ImportBatch,
    ) {
        let now = Timestamp::UNIX_EPOCH;
        let outcome = DeliveryOutcome::Sent { at: now };
        assert_send(async move {
            let _ = Store::open("x").await;
            let _ = store.migrate().await;
            let _ = store.schema_version().await;
            let _ = store.ping().await;
            let _ = store.claim_engine().await;
            let _ = store.load_state().await;
            let _ = store.commit(&batch).await;
            let _ = store.import(&import).await;
            let _ = store.list_incidents(&filter).await;
            let _ = store.incident(IncidentId(1)).await;
            let _ = store.incident_alerts(IncidentId(1)).await;
            let _ = store.incident_timeline(IncidentId(1)).await;
            let _ = store.due_deliveries(now, 1).await;
            let _ = store.record_delivery(1, &outcome, &entry).await;
            let _ = store.list_deliveries(None, 1).await;
            let _ = store.payloads_after(0, 1).await;
            let _ = store.counts().await;
            let _ = store.audit_log(1).await;
            let _ = store.verify_audit_chain().await;
            store.close().await;
        });
    }
}
