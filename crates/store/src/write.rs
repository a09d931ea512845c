//! The write transactions, written once over the little a driver must offer
//! ([`WriteTx`]): PostgreSQL's through sqlx, SQLite's through rusqlite on the
//! one writer connection, where the whole transaction is one blocking call
//! instead of a thread hand-off per statement.

use std::collections::BTreeSet;

use domain::{
    Alert, AlertStatus, Incident, IncidentStatus, ServiceId, TenantId, TimelineEntry, Timestamp,
};

use crate::StoreError;
use crate::backend::sql;
use crate::codec::{self, Param};
use crate::rows;
use crate::{
    AuditEntry, CommitBatch, DeliveryOutcome, DeliveryStatus, ImportBatch, ImportOutcome,
    PayloadRecord, StoredBody,
};

/// What differs between the engines' write SQL.
pub(crate) struct Dialect {
    /// How a transaction takes fresh payload ids.
    pub payload_ids: PayloadIds,
    /// Run first in a transaction that appends to the audit chain.
    pub audit_lock: &'static [&'static str],
    /// Whether the server compresses request bodies ([`StoredBody`]);
    /// PostgreSQL compresses its own.
    pub compress_bodies: bool,
}

/// How a transaction takes fresh payload ids.
pub(crate) enum PayloadIds {
    /// A query that returns `$1` fresh ids in the first column.
    Sequence(&'static str),
    /// A query that returns the largest id in use: the ids after it are
    /// free while the transaction holds the write lock.
    AfterMax(&'static str),
}

/// Values of a row of [`sql::PAYLOAD_INSERT`]: [`rows::PAYLOAD_COLUMNS`] and
/// `body_lz4`.
const PAYLOAD_INSERT_VALUES: usize = rows::PAYLOAD_COLUMNS.len() + 1;

/// A row of [`sql::PAYLOAD_INSERT`].
fn payload_row<'a>(
    id: i64,
    (tenant, service, source_kind): (&'a TenantId, &'a ServiceId, &'a str),
    received_at: Timestamp,
    body: &'a StoredBody,
) -> Vec<Param<'a>> {
    let (text, lz4) = body.columns();
    let mut row = rows::payload_params(id, tenant, service, source_kind, received_at, text);
    row.push(lz4);
    row
}

/// One open write transaction. Rows are read by position: the first column,
/// or the first two.
pub(crate) trait WriteTx: Sized {
    fn dialect(&self) -> &'static Dialect;

    /// Runs one statement; the number of rows it inserted or changed.
    async fn execute(&mut self, sql: &str, params: Vec<Param<'_>>) -> Result<u64, StoreError>;

    /// The first column of every row, as integers.
    async fn ints(&mut self, sql: &str, params: Vec<Param<'_>>) -> Result<Vec<i64>, StoreError>;

    /// The first column of every row, as text.
    async fn texts(&mut self, sql: &str, params: Vec<Param<'_>>)
    -> Result<Vec<String>, StoreError>;

    /// The first two columns of the first row, if any.
    async fn int_and_text(&mut self, sql: &str) -> Result<Option<(i64, String)>, StoreError>;

    /// Runs `{head} … {tail}` for `rows` (each `columns` values, in the
    /// order of `head`'s column list), inserting them in their order; the
    /// number of rows inserted or changed, 0 for no rows ([`insert_values`]
    /// does it with multi-row `VALUES` statements).
    async fn insert_rows(
        &mut self,
        head: &str,
        columns: usize,
        tail: &str,
        rows: Vec<Vec<Param<'_>>>,
    ) -> Result<u64, StoreError>;

    /// Inserts the payloads, with fresh ids in their order, and their events
    /// in order ([`insert_payload_rows`] does it with plain statements).
    async fn insert_payloads(&mut self, payloads: &[PayloadRecord]) -> Result<(), StoreError>;

    /// How many of `refs`, each an id and a tenant, name no row of `parent`
    /// in that tenant ([`count_missing_parents`] does it with plain statements).
    async fn missing_parents(
        &mut self,
        parent: Parent,
        refs: &[(i64, &str)],
    ) -> Result<i64, StoreError>;
}

/// The tables other rows refer to by id, within their tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parent {
    Incidents,
    Alerts,
}

impl Parent {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Parent::Incidents => "incidents",
            Parent::Alerts => "alerts",
        }
    }
}

/// Inserts `rows` with as few multi-row statements as the chunk sizes
/// allow; returns the number of rows written.
pub(crate) async fn insert_values<T: WriteTx>(
    tx: &mut T,
    head: &str,
    columns: usize,
    tail: &str,
    rows: Vec<Vec<Param<'_>>>,
) -> Result<u64, StoreError> {
    let mut rows = rows.into_iter();
    let mut written = 0;
    for size in codec::chunk_sizes(rows.len()) {
        let sql = codec::values_sql(head, columns, size, tail);
        let mut params = Vec::with_capacity(size * columns);
        for row in rows.by_ref().take(size) {
            debug_assert_eq!(row.len(), columns);
            params.extend(row);
        }
        written += tx.execute(&sql, params).await?;
    }
    Ok(written)
}

async fn lock_audit<T: WriteTx>(tx: &mut T) -> Result<(), StoreError> {
    for statement in tx.dialect().audit_lock {
        tx.execute(statement, Vec::new()).await?;
    }
    Ok(())
}

async fn payload_ids<T: WriteTx>(tx: &mut T, wanted: usize) -> Result<Vec<i64>, StoreError> {
    let ids = match tx.dialect().payload_ids {
        PayloadIds::Sequence(sql) => tx.ints(sql, vec![Param::Int(wanted as i64)]).await?,
        PayloadIds::AfterMax(sql) => match tx.ints(sql, Vec::new()).await?.first() {
            Some(&max) => (1..=wanted as i64).map(|n| max + n).collect(),
            None => Vec::new(),
        },
    };
    if ids.len() != wanted {
        return Err(StoreError::Corrupt(format!(
            "asked for {wanted} payload ids, got {}",
            ids.len()
        )));
    }
    Ok(ids)
}

/// Appends `entries` to the hash chain. The transaction must have run the
/// audit lock first.
async fn append_audit<T: WriteTx>(tx: &mut T, entries: &[AuditEntry]) -> Result<(), StoreError> {
    let (mut seq, mut prev_hash) = match tx.int_and_text(sql::AUDIT_LAST).await? {
        Some(last) => last,
        None => (0, codec::GENESIS_HASH.to_owned()),
    };
    let mut stored = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let row = rows::audit_row(seq, prev_hash, entry)?;
        prev_hash = row.hash.clone();
        stored.push(row);
    }
    let params = stored.iter().map(rows::audit_params).collect();
    tx.insert_rows(&sql::AUDIT_INSERT, rows::AUDIT_COLUMNS.len(), "", params).await?;
    Ok(())
}

/// Applies one delivery attempt's outcome to its pending row; `false` (and
/// nothing written) when that row is not pending or not of the timeline
/// entry's tenant and incident.
async fn apply_delivery<T: WriteTx>(
    tx: &mut T,
    id: i64,
    outcome: &DeliveryOutcome,
    timeline: &TimelineEntry,
) -> Result<bool, StoreError> {
    let (status, retry_at, error, at) = match outcome {
        DeliveryOutcome::Sent { at } => (DeliveryStatus::Sent, None, None, at),
        DeliveryOutcome::Failed { at, error, retry_at } => {
            (DeliveryStatus::Pending, Some(codec::millis(*retry_at)), Some(error), at)
        }
        DeliveryOutcome::DeadLettered { at, error } => {
            (DeliveryStatus::DeadLettered, None, Some(error), at)
        }
    };
    let params = vec![
        Param::Int(id),
        Param::Text(status.as_str()),
        Param::OptInt(retry_at),
        Param::OptText(error.map(String::as_str)),
        Param::Int(codec::millis(*at)),
        Param::Text(timeline.tenant.as_str()),
        Param::Int(timeline.incident_id.0),
    ];
    Ok(tx.execute(sql::RECORD_DELIVERY, params).await? == 1)
}

/// Upserts rows that may exist already; an upsert that wrote fewer rows than
/// it was given met a row of another tenant, which is named in the error.
async fn upsert_rows<'a, T: WriteTx, R>(
    tx: &mut T,
    table: &'static str,
    rows: &[&'a R],
    ids: impl Fn(&R) -> (i64, &str),
    params: impl Fn(&'a R) -> Result<Vec<Param<'a>>, StoreError>,
    statements: (&str, usize, &str, &str),
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let (head, columns, tail, tenant_of) = statements;
    let params = rows.iter().map(|row| params(*row)).collect::<Result<Vec<_>, _>>()?;
    let written = tx.insert_rows(head, columns, tail, params).await?;
    if written == rows.len() as u64 {
        return Ok(());
    }
    for row in rows {
        let (id, tenant) = ids(row);
        let stored = tx.texts(tenant_of, vec![Param::Int(id)]).await?;
        if stored.first().map(String::as_str) != Some(tenant) {
            return Err(StoreError::TenantMismatch { table, id });
        }
    }
    Ok(())
}

/// Writes a [`CommitBatch`] (see [`crate::Store::commit`]).
pub(crate) async fn commit<T: WriteTx>(tx: &mut T, batch: &CommitBatch) -> Result<(), StoreError> {
    if !batch.audit.is_empty() {
        // Taken first, so every writer orders its locks the same way.
        lock_audit(tx).await?;
    }

    if !batch.silences.is_empty() {
        let params = batch.silences.iter().map(rows::silence_params).collect();
        let columns = rows::SILENCE_COLUMNS.len();
        tx.insert_rows(&sql::SILENCE_INSERT, columns, &sql::SILENCE_UPSERT_TAIL, params).await?;
    }

    let incidents =
        codec::upsert_order(&batch.incidents, |i| i.id.0, |i| i.status == IncidentStatus::Resolved);
    upsert_rows(
        tx,
        "incidents",
        &incidents,
        |i| (i.id.0, i.tenant.as_str()),
        rows::incident_params,
        (
            &sql::INCIDENT_INSERT,
            rows::INCIDENT_COLUMNS.len(),
            &sql::INCIDENT_UPSERT_TAIL,
            sql::TENANT_OF_INCIDENT,
        ),
    )
    .await?;

    let alerts =
        codec::upsert_order(&batch.alerts, |a| a.id.0, |a| a.status == AlertStatus::Resolved);
    upsert_rows(
        tx,
        "alerts",
        &alerts,
        |a| (a.id.0, a.tenant.as_str()),
        |a| rows::alert_params(a, batch.attached_summaries.get(&a.id).map(String::as_str)),
        (
            &sql::ALERT_INSERT,
            rows::ALERT_COLUMNS.len(),
            &sql::ALERT_UPSERT_TAIL,
            sql::TENANT_OF_ALERT,
        ),
    )
    .await?;

    for handled in &batch.handled_imports {
        let params =
            vec![Param::Int(handled.event_id), Param::OptInt(handled.alert_id.map(|id| id.0))];
        if tx.execute(sql::ENGINE_HANDLED, params).await? != 1 {
            return Err(StoreError::Corrupt(format!(
                "imported event {} is not waiting for the engine, or its alert is not of \
                 its tenant; is another server writing to this database?",
                handled.event_id
            )));
        }
    }

    if !batch.payloads.is_empty() {
        tx.insert_payloads(&batch.payloads).await?;
    }

    let mut timeline: Vec<&TimelineEntry> = batch.timeline.iter().collect();
    for delivery in &batch.deliveries {
        if apply_delivery(tx, delivery.id, &delivery.outcome, &delivery.timeline).await? {
            timeline.push(&delivery.timeline);
        }
    }
    check_references(tx, batch, (&incidents, &alerts), &timeline).await?;
    if !timeline.is_empty() {
        let params = timeline.into_iter().map(rows::timeline_params).collect();
        tx.insert_rows(&sql::TIMELINE_INSERT, rows::TIMELINE_COLUMNS.len(), "", params).await?;
    }

    if !batch.outbox.is_empty() {
        let params = batch.outbox.iter().map(rows::outbox_params).collect();
        let columns = rows::OUTBOX_INSERT_COLUMNS.len();
        tx.insert_rows(&sql::OUTBOX_INSERT, columns, "", params).await?;
    }

    if !batch.audit.is_empty() {
        append_audit(tx, &batch.audit).await?;
    }
    Ok(())
}

/// Refuses the transaction when a row of `batch` names an incident or an
/// alert that does not exist in the row's own tenant: what foreign keys
/// checked before migration 6, row by row and locking each parent on
/// PostgreSQL, here one query per parent table. A parent the batch upserted
/// itself needs no query: its upsert already refused a row of another
/// tenant, so it exists in the tenant it was written with.
async fn check_references<T: WriteTx>(
    tx: &mut T,
    batch: &CommitBatch,
    (upserted_incidents, upserted_alerts): (&[&Incident], &[&Alert]),
    timeline: &[&TimelineEntry],
) -> Result<(), StoreError> {
    let mut incidents = BTreeSet::new();
    incidents.extend(batch.alerts.iter().map(|a| (a.incident_id.0, a.tenant.as_str())));
    incidents.extend(timeline.iter().map(|t| (t.incident_id.0, t.tenant.as_str())));
    incidents.extend(batch.outbox.iter().map(|o| {
        let notification = &o.notification;
        (notification.incident_id.0, notification.tenant.as_str())
    }));
    for incident in upserted_incidents {
        incidents.remove(&(incident.id.0, incident.tenant.as_str()));
    }
    let mut alerts = BTreeSet::new();
    for payload in &batch.payloads {
        let tenant = payload.tenant.as_str();
        alerts.extend(payload.events.iter().filter_map(|e| e.alert_id.map(|a| (a.0, tenant))));
    }
    for alert in upserted_alerts {
        alerts.remove(&(alert.id.0, alert.tenant.as_str()));
    }
    for (parent, refs) in [(Parent::Incidents, incidents), (Parent::Alerts, alerts)] {
        if refs.is_empty() {
            continue;
        }
        let refs: Vec<(i64, &str)> = refs.into_iter().collect();
        let missing = tx.missing_parents(parent, &refs).await?;
        if missing > 0 {
            return Err(StoreError::DanglingReference { table: parent.table(), count: missing });
        }
    }
    Ok(())
}

/// [`WriteTx::missing_parents`] with plain statements: a `VALUES` list of
/// the references per chunk, each counting those without their row.
pub(crate) async fn count_missing_parents<T: WriteTx>(
    tx: &mut T,
    parent: Parent,
    refs: &[(i64, &str)],
) -> Result<i64, StoreError> {
    // `IS NOT` is SQLite's null-safe inequality: a missing row counts.
    let tail = format!(
        ") AS r WHERE (SELECT p.tenant FROM {} p WHERE p.id = r.column1) IS NOT r.column2",
        parent.table()
    );
    let mut rest = refs;
    let mut missing = 0;
    for size in codec::chunk_sizes(refs.len()) {
        let (chunk, after) = rest.split_at(size);
        rest = after;
        let sql = codec::values_sql("SELECT count(*) FROM (", 2, size, &tail);
        let params = chunk.iter().flat_map(|&(id, tenant)| [Param::Int(id), Param::Text(tenant)]);
        missing += tx.ints(&sql, params.collect()).await?.first().copied().unwrap_or(0);
    }
    Ok(missing)
}

/// [`WriteTx::insert_payloads`] with plain statements: the fresh ids, then
/// multi-row inserts of the payloads and of the events.
pub(crate) async fn insert_payload_rows<T: WriteTx>(
    tx: &mut T,
    payloads: &[PayloadRecord],
) -> Result<(), StoreError> {
    let ids = payload_ids(tx, payloads.len()).await?;
    let mut rows = Vec::with_capacity(ids.len());
    let mut events = Vec::new();
    for (payload, id) in payloads.iter().zip(ids) {
        let origin = (&payload.tenant, &payload.integration_service, payload.source_kind.as_str());
        rows.push(payload_row(id, origin, payload.received_at, &payload.body));
        for event in &payload.events {
            events.push(rows::event_params(payload.tenant.as_str(), id, event)?);
        }
    }
    tx.insert_rows(&sql::PAYLOAD_INSERT, PAYLOAD_INSERT_VALUES, "", rows).await?;
    tx.insert_rows(&sql::EVENT_INSERT, rows::EVENT_COLUMNS.len(), "", events).await?;
    Ok(())
}

/// Writes an [`ImportBatch`] (see [`crate::Store::import`]); with the
/// outcome, whether to commit: when nothing was new, the caller rolls back,
/// leaving no payload behind.
pub(crate) async fn import<T: WriteTx>(
    tx: &mut T,
    batch: &ImportBatch,
) -> Result<(ImportOutcome, bool), StoreError> {
    // The audit chain's lock first, as every writer takes it.
    lock_audit(tx).await?;
    let payload_id = payload_ids(tx, 1).await?[0];
    let origin = (&batch.tenant, &batch.integration_service, batch.source_kind.as_str());
    let body = StoredBody::new(&batch.body, tx.dialect().compress_bodies);
    let payload = payload_row(payload_id, origin, batch.received_at, &body);
    tx.insert_rows(&sql::PAYLOAD_INSERT, PAYLOAD_INSERT_VALUES, "", vec![payload]).await?;
    let mut outcome = ImportOutcome::default();
    // Marked and unmarked events in separate statements, so the rows each
    // wrote say how many of the new ones are marked.
    for for_engine in [true, false] {
        let mut events = Vec::new();
        for imported in batch.events.iter().filter(|e| e.for_engine == for_engine) {
            let mut params =
                rows::event_params(batch.tenant.as_str(), payload_id, &imported.event)?;
            params.push(Param::Text(&imported.external_id));
            params.push(Param::Bool(for_engine));
            events.push(params);
        }
        let written = tx
            .insert_rows(
                &sql::IMPORT_EVENT_INSERT,
                rows::EVENT_COLUMNS.len() + 2,
                sql::IMPORT_EVENT_TAIL,
                events,
            )
            .await?;
        outcome.imported += written;
        if for_engine {
            outcome.for_engine = written;
        }
    }
    if outcome.imported == 0 {
        return Ok((outcome, false));
    }
    let audit = AuditEntry {
        at: batch.received_at,
        actor: batch.actor.clone(),
        action: format!("events.import.{}", batch.source_kind),
        tenant: Some(batch.tenant.clone()),
        target: format!("payload:{payload_id}"),
        detail: serde_json::json!({
            "origin": batch.origin,
            "service": batch.integration_service.as_str(),
            "records": batch.events.len(),
            "imported": outcome.imported,
            "for_engine": outcome.for_engine,
        }),
    };
    append_audit(tx, std::slice::from_ref(&audit)).await?;
    Ok((outcome, true))
}

/// Records one delivery attempt (see [`crate::Store::record_delivery`]).
pub(crate) async fn record_delivery<T: WriteTx>(
    tx: &mut T,
    id: i64,
    outcome: &DeliveryOutcome,
    timeline: &TimelineEntry,
) -> Result<(), StoreError> {
    if !apply_delivery(tx, id, outcome, timeline).await? {
        return Err(StoreError::DeliveryNotPending {
            id,
            incident_id: timeline.incident_id.0,
            tenant: timeline.tenant.to_string(),
        });
    }
    let params = vec![rows::timeline_params(timeline)];
    tx.insert_rows(&sql::TIMELINE_INSERT, rows::TIMELINE_COLUMNS.len(), "", params).await?;
    Ok(())
}

/// What [`import`] refuses before any transaction is opened.
pub(crate) fn check_import(batch: &ImportBatch) -> Result<(), StoreError> {
    match batch.events.iter().position(|e| e.external_id.is_empty()) {
        Some(empty) => Err(StoreError::Encode {
            what: "imported event",
            message: format!("event {empty} has an empty external id"),
        }),
        None => Ok(()),
    }
}
