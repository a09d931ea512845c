//! The engine loop: the single writer. Requests queue here; each turn takes
//! everything queued, runs it through the engine, commits state, events,
//! timeline and outbox in one transaction (group commit), and only then
//! answers the waiting requests.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use domain::{
    AlertId, Config, Event, IncidentId, ServiceId, SourceKind, TenantId, TimelineEntry,
    TimelineKind, Timestamp,
};
use engine::{Changes, CommandError, Effect, Engine, Restored};
use store::{
    AuditEntry, CommitBatch, DeliveryRecord, EventRecord, HandledImport, OutboxRecord,
    PayloadRecord, Store, StoredBody,
};
use tokio::sync::{Notify, broadcast, mpsc, oneshot};

use crate::metrics::Metrics;

/// How many queued requests one transaction may carry.
const MAX_JOBS_PER_COMMIT: usize = 512;

/// How late an alert's `last_seen` and `event_count` may reach the store
/// when it is re-sent unchanged (later only when the writer is behind, and
/// at once on a graceful shutdown). Each event is committed before its
/// request is answered; what this saves is rewriting the alert's row, a
/// random page of the alerts table, for every re-send: Prometheus re-sends
/// every firing alert every minute or so.
pub const TOUCH_FLUSH_INTERVAL: Duration = Duration::from_secs(30);

/// Active alerts read per query when the engine's state is restored: the
/// rows of a page are held twice (as read, and as the engine keeps them)
/// only until the next, so a million alerts restore in about the memory
/// they take once loaded.
const RESTORE_PAGE: i64 = 10_000;

/// The pauses after each failed reload of the state after a failed commit,
/// before the loop gives up and stops (7.75 s in all).
const RELOAD_BACKOFF: [Duration; 5] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// Rows of re-sent alerts written per transaction, oldest first, so that
/// writing them never stalls the requests that share the transaction.
const MAX_TOUCHES_PER_COMMIT: usize = 1024;

/// Requests the engine loop serves.
pub enum Job {
    Ingest {
        tenant: TenantId,
        service: ServiceId,
        source_kind: SourceKind,
        body: StoredBody,
        events: Vec<Event>,
        received: Instant,
        reply: oneshot::Sender<Result<Ingested, WriteError>>,
    },
    Command {
        command: Command,
        reply: oneshot::Sender<Result<CommandReceipt, WriteError>>,
    },
    /// A delivery attempt's outcome, from the outbox worker.
    Delivered {
        record: DeliveryRecord,
        reply: oneshot::Sender<Result<(), WriteError>>,
    },
    /// Write what [`TOUCH_FLUSH_INTERVAL`] would otherwise hold back (at shutdown).
    Flush {
        reply: oneshot::Sender<Result<(), WriteError>>,
    },
    /// Imported events marked for the engine; the reply says how many were handled.
    Imported {
        events: Vec<ImportedForEngine>,
        reply: oneshot::Sender<Result<usize, WriteError>>,
    },
}

/// An imported event marked for the engine, read back from the store.
#[derive(Debug, Clone)]
pub struct ImportedForEngine {
    /// Its row in `events`.
    pub event_id: i64,
    pub tenant: TenantId,
    pub service: ServiceId,
    /// `None` when it can no longer be handled (its record does not parse,
    /// its tenant or service left the configuration): the mark is cleared
    /// and nothing else happens.
    pub event: Option<Event>,
}

#[derive(Debug, Clone)]
pub enum Command {
    Acknowledge {
        incident: IncidentId,
        actor: String,
    },
    Resolve {
        incident: IncidentId,
        actor: String,
    },
    Note {
        incident: IncidentId,
        tenant: TenantId,
        actor: String,
        text: String,
    },
    /// `actor` is who asked (the audit's actor); the silence's own
    /// `created_by` is the name its creator gave.
    AddSilence {
        silence: engine::NewSilence,
        actor: String,
    },
    ExpireSilence {
        id: domain::SilenceId,
        actor: String,
    },
}

/// What a command made, for its answer.
#[derive(Debug, Clone, Default)]
pub struct CommandReceipt {
    pub silence: Option<domain::suppression::Silence>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngestReceipt {
    pub events: usize,
}

/// An ingest's answer, and what its request brought to the engine loop
/// handed back: the events it read and the rows it wrote. The request's
/// task frees them, where most of them were allocated, instead of the
/// engine loop, whose one thread bounds how fast a storm is taken in
/// (freeing them there was 7 % of the server's CPU at batches of 100).
pub struct Ingested {
    receipt: IngestReceipt,
    /// The re-sends that changed nothing: no row of their own.
    _repeats: Vec<Event>,
    _payload: Option<PayloadRecord>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error("storage failed: {0}")]
    Store(String),
    #[error("the engine loop has stopped")]
    Stopped,
}

/// The handle request handlers use to reach the engine loop.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Whether bodies go to the store compressed ([`Store::compresses_bodies`]):
    /// each request's task compresses its own, beside the engine loop.
    compress_bodies: bool,
}

impl Writer {
    pub async fn ingest(
        &self,
        tenant: TenantId,
        service: ServiceId,
        source_kind: SourceKind,
        body: &str,
        events: Vec<Event>,
        received: Instant,
    ) -> Result<IngestReceipt, WriteError> {
        let body = StoredBody::new(body, self.compress_bodies);
        let (reply, answer) = oneshot::channel();
        let job = Job::Ingest { tenant, service, source_kind, body, events, received, reply };
        self.jobs.send(job).await.map_err(|_| WriteError::Stopped)?;
        let ingested = answer.await.map_err(|_| WriteError::Stopped)??;
        Ok(ingested.receipt)
    }

    pub async fn command(&self, command: Command) -> Result<CommandReceipt, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Command { command, reply }).await.map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }

    /// Runs imported events through the engine and clears their marks, in one commit.
    pub async fn handle_imported(
        &self,
        events: Vec<ImportedForEngine>,
    ) -> Result<usize, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Imported { events, reply }).await.map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }

    /// Records a delivery attempt in the next commit. A delivery that is no
    /// longer pending is skipped there, with its timeline entry.
    pub async fn record_delivery(&self, record: DeliveryRecord) -> Result<(), WriteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Delivered { record, reply }).await.map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }

    /// Writes the alerts re-sent unchanged since the last flush now.
    pub async fn flush(&self) -> Result<(), WriteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Flush { reply }).await.map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }

    pub fn is_running(&self) -> bool {
        !self.jobs.is_closed()
    }
}

/// Signals to the rest of the server after a commit.
#[derive(Clone)]
pub struct Signals {
    /// Something on the NOC page changed.
    pub changed: broadcast::Sender<()>,
    /// New rows in the outbox.
    pub outbox: Arc<Notify>,
    /// Committed re-sends whose alert rows are not written yet.
    pub touches: Arc<Touches>,
}

impl Signals {
    pub fn new() -> Self {
        let (changed, _) = broadcast::channel(64);
        Self { changed, outbox: Arc::new(Notify::new()), touches: Arc::default() }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Self::new()
    }
}

/// `last_seen` and `event_count` of alerts re-sent unchanged whose events are
/// committed and whose rows are not rewritten yet (see
/// [`TOUCH_FLUSH_INTERVAL`]): what readers lay over the rows they load, so
/// that the API and the NOC pages are exact at once.
#[derive(Debug, Default)]
pub struct Touches(std::sync::Mutex<std::collections::HashMap<AlertId, (Timestamp, i64)>>);

impl Touches {
    /// A transaction committed these re-sends, without their rows, and
    /// these alert rows, with these counts.
    fn committed(&self, touches: &[engine::AlertTouch], rows: &[(AlertId, i64)]) {
        if touches.is_empty() && rows.is_empty() {
            return;
        }
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for touch in touches {
            map.insert(touch.alert_id, (touch.last_seen, touch.event_count));
        }
        for (id, event_count) in rows {
            if map.get(id).is_some_and(|(_, held)| held <= event_count) {
                map.remove(id);
            }
        }
    }

    /// What is held back: committed re-sends whose rows are not written yet.
    fn held(&self) -> Vec<engine::AlertTouch> {
        let map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.iter()
            .map(|(&alert_id, &(last_seen, event_count))| engine::AlertTouch {
                alert_id,
                last_seen,
                event_count,
            })
            .collect()
    }

    /// The alert as the engine has it, when a re-send moved it past its row.
    pub fn apply(&self, alert: &mut domain::Alert) {
        let map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(&(last_seen, event_count)) = map.get(&alert.id)
            && event_count > alert.event_count
        {
            alert.last_seen = last_seen;
            alert.event_count = event_count;
        }
    }
}

pub struct EngineLoop {
    engine: Engine,
    store: Store,
    metrics: Arc<Metrics>,
    signals: Signals,
    jobs: mpsc::Receiver<Job>,
}

/// Loads the engine's state from the store and returns the loop and its handle.
pub async fn start(
    config: Arc<Config>,
    store: Store,
    metrics: Arc<Metrics>,
    signals: Signals,
) -> Result<(EngineLoop, Writer), store::StoreError> {
    let engine = restore(config, &store).await?;
    let (sender, jobs) = mpsc::channel(8192);
    let writer = Writer { jobs: sender, compress_bodies: store.compresses_bodies() };
    let engine_loop = EngineLoop { engine, store, metrics, signals, jobs };
    engine_loop.publish_gauges();
    Ok((engine_loop, writer))
}

async fn restore(config: Arc<Config>, store: &Store) -> Result<Engine, store::StoreError> {
    restore_in_pages(config, store, RESTORE_PAGE).await
}

async fn restore_in_pages(
    config: Arc<Config>,
    store: &Store,
    page_size: i64,
) -> Result<Engine, store::StoreError> {
    let state = store.load_state().await?;
    let mut engine = Engine::restore(
        config,
        Restored {
            alerts: Vec::new(),
            incidents: state.incidents,
            max_alert_id: state.max_alert_id,
            max_incident_id: state.max_incident_id,
            silences: state.silences,
            max_silence_id: state.max_silence_id,
        },
    );
    let mut after_id = 0;
    loop {
        let page = store.unresolved_alerts(after_id, page_size).await?;
        let Some(last) = page.last() else { break };
        after_id = last.id.0;
        let more = page.len() as i64 == page_size;
        for (earlier, later) in engine.restore_alerts(page) {
            tracing::error!(
                alert = earlier.0,
                kept = later.0,
                "two unresolved alerts share a key; the earlier is resolved with the next commit"
            );
        }
        if !more {
            break;
        }
    }
    engine.finish_restore();
    Ok(engine)
}

/// Replies are sent only after the transaction that holds their effects commits.
enum Pending {
    /// Its payload is the batch's next one.
    Ingest {
        reply: oneshot::Sender<Result<Ingested, WriteError>>,
        receipt: IngestReceipt,
        kind: SourceKind,
        received: Instant,
        repeats: Vec<Event>,
    },
    Command(oneshot::Sender<Result<CommandReceipt, WriteError>>, CommandReceipt),
    Imported(oneshot::Sender<Result<usize, WriteError>>, usize),
    /// A flush or a delivery record: nothing to say but that it is committed.
    Done(oneshot::Sender<Result<(), WriteError>>),
}

impl Pending {
    /// Answers with `error`: the transaction holding this reply's effects failed.
    fn fail(self, error: WriteError) {
        // A requester that gave up waiting needs no answer.
        match self {
            Pending::Ingest { reply, .. } => drop(reply.send(Err(error))),
            Pending::Command(reply, _) => drop(reply.send(Err(error))),
            Pending::Imported(reply, _) => drop(reply.send(Err(error))),
            Pending::Done(reply) => drop(reply.send(Err(error))),
        }
    }
}

impl EngineLoop {
    /// Starts the loop, which runs until `stop` is sent (or dropped) or
    /// every [`Writer`] is gone; the receiver it returns hears when it
    /// has stopped. Stopped, it takes no more jobs and commits those
    /// already queued first.
    ///
    /// Where the store's commits block their thread (SQLite: the whole
    /// transaction is one call, its `fsync` included), the loop gets a
    /// thread of its own, with a runtime of its own. On a worker of the
    /// shared runtime every commit went through `block_in_place`, which
    /// hands the worker's other tasks to another thread and back at every
    /// commit: flat out at batches of 1, two pairs of runs, 13-16 % less
    /// CPU per alert and 17-24 % more alerts/s on a thread of its own
    /// (5-11 % more at batches of 10 and 100). PostgreSQL's commits are
    /// awaited, and gained nothing from a thread of their own.
    pub async fn spawn(
        self,
        stop: oneshot::Receiver<()>,
    ) -> std::io::Result<oneshot::Receiver<()>> {
        let (done, stopped) = oneshot::channel();
        let own_thread = self.store.commits_block();
        let run = async move {
            self.run(stop).await;
            let _ = done.send(());
        };
        if !own_thread {
            tokio::spawn(run);
            return Ok(stopped);
        }
        // The runtime is built, and dropped, on the thread: a runtime may
        // not be dropped inside another's tasks.
        let (started, starting) = oneshot::channel();
        std::thread::Builder::new().name("engine-loop".to_owned()).spawn(move || {
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => {
                    let _ = started.send(Ok(()));
                    runtime.block_on(run);
                }
                Err(error) => drop(started.send(Err(error))),
            }
        })?;
        match starting.await {
            Ok(result) => result.map(|()| stopped),
            Err(_) => Err(std::io::Error::other("the engine loop's thread ended at its start")),
        }
    }

    async fn run(mut self, mut stop: oneshot::Receiver<()>) {
        loop {
            let touch_due = self.engine.oldest_touch().map(|at| at + TOUCH_FLUSH_INTERVAL);
            let deadline =
                [self.engine.next_deadline(), touch_due].into_iter().flatten().min().map(|at| {
                    let wait = at.duration_since(now()).try_into().unwrap_or(Duration::ZERO);
                    tokio::time::Instant::now() + wait
                });
            let first = tokio::select! {
                _ = &mut stop => break,
                job = self.jobs.recv() => match job {
                    Some(job) => Some(job),
                    None => return,
                },
                () = sleep_until(deadline) => None,
            };
            let jobs = self.queued(first);
            if self.turn(jobs).await.is_break() {
                // Queued jobs are dropped unanswered: their requests get 503.
                return;
            }
            if self.jobs.is_empty() {
                self.store.writer_quiet();
            }
        }
        // Stopped: what is queued already is committed and answered.
        self.jobs.close();
        loop {
            let jobs = self.queued(None);
            if jobs.is_empty() || self.turn(jobs).await.is_break() {
                return;
            }
        }
    }

    /// `first` and what else is queued, up to a commit's worth.
    fn queued(&mut self, first: Option<Job>) -> Vec<Job> {
        let mut jobs: Vec<Job> = first.into_iter().collect();
        while jobs.len() < MAX_JOBS_PER_COMMIT {
            match self.jobs.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        jobs
    }

    /// One commit's worth of jobs; `Break` when the loop must stop.
    async fn turn(&mut self, jobs: Vec<Job>) -> ControlFlow<()> {
        let now = now();
        let job_count = jobs.len();
        let mut batch = CommitBatch::default();
        let mut effects = Vec::new();
        let mut pending = Vec::with_capacity(jobs.len());
        let mut flush_all = false;

        for job in jobs {
            match job {
                Job::Flush { reply } => {
                    flush_all = true;
                    pending.push(Pending::Done(reply));
                }
                Job::Delivered { record, reply } => {
                    batch.deliveries.push(record);
                    pending.push(Pending::Done(reply));
                }
                Job::Ingest { tenant, service, source_kind, body, events, received, reply } => {
                    let count = events.len();
                    let mut records = Vec::with_capacity(count);
                    let mut repeats = Vec::new();
                    self.engine.prefetch_alerts(&tenant, &events);
                    for event in events {
                        let outcome =
                            self.engine.handle_event(now, &tenant, &service, &event, &mut effects);
                        // A re-send that changed nothing is in the payload
                        // below; a row of its own would copy it (a third of
                        // what a storm writes per alert) and tell nothing new.
                        if outcome.repeat {
                            repeats.push(event);
                        } else {
                            records.push(EventRecord::new(event, outcome.alert_id));
                        }
                    }
                    batch.payloads.push(PayloadRecord {
                        tenant,
                        integration_service: service,
                        source_kind: source_kind.as_str().to_owned(),
                        received_at: now,
                        body,
                        events: records,
                    });
                    let receipt = IngestReceipt { events: count };
                    let kind = source_kind;
                    pending.push(Pending::Ingest { reply, receipt, kind, received, repeats });
                }
                Job::Imported { events, reply } => {
                    for imported in &events {
                        let alert_id = imported.event.as_ref().and_then(|event| {
                            self.engine
                                .handle_event(
                                    now,
                                    &imported.tenant,
                                    &imported.service,
                                    event,
                                    &mut effects,
                                )
                                .alert_id
                        });
                        batch
                            .handled_imports
                            .push(HandledImport { event_id: imported.event_id, alert_id });
                    }
                    pending.push(Pending::Imported(reply, events.len()));
                }
                Job::Command { command, reply } => {
                    match self.command(now, &command, &mut effects, &mut batch) {
                        Ok(receipt) => pending.push(Pending::Command(reply, receipt)),
                        // Refused commands changed nothing: answer at once.
                        Err(error) => {
                            let _ = reply.send(Err(error.into()));
                        }
                    }
                }
            }
        }
        self.engine.handle_tick(now, &mut effects);
        let changes = self.engine.take_changes();
        let touched = if flush_all {
            self.engine.take_touched(Timestamp::MAX, usize::MAX)
        } else {
            let due = now.checked_sub(TOUCH_FLUSH_INTERVAL).unwrap_or(Timestamp::MIN);
            self.engine.take_touched(due, MAX_TOUCHES_PER_COMMIT)
        };
        if pending.is_empty() && effects.is_empty() && changes.is_empty() && touched.is_empty() {
            return ControlFlow::Continue(());
        }
        let opened = count_opened(&effects);
        self.collect(&changes, effects, &mut batch);
        batch.alerts = touched;
        batch.alerts.extend(changes.alerts);
        batch.attached_summaries = changes.attached_summaries;
        // Every alert row written supersedes what the overlay held for it.
        let written_rows: Vec<(AlertId, i64)> =
            batch.alerts.iter().map(|a| (a.id, a.event_count)).collect();
        batch.incidents = changes.incidents;
        batch.silences = changes.silences;
        let queued = batch.outbox.len();

        let started = Instant::now();
        let committed = self.store.commit(&batch).await;
        self.metrics.observe("watchfloor_commit_seconds", &[], started.elapsed().as_secs_f64());
        match committed {
            Ok(()) => {
                self.signals.touches.committed(&changes.touched, &written_rows);
                self.metrics.inc("watchfloor_commits_total", &[]);
                self.metrics.observe("watchfloor_commit_batch_jobs", &[], job_count as f64);
                self.metrics.add("watchfloor_incidents_opened_total", &[], opened);
                self.metrics.add("watchfloor_notifications_queued_total", &[], queued as u64);
                self.publish_gauges();
                let mut payloads = std::mem::take(&mut batch.payloads).into_iter();
                for reply in pending {
                    self.answer_committed(reply, &mut payloads);
                }
                if queued > 0 {
                    self.signals.outbox.notify_one();
                }
                let _ = self.signals.changed.send(());
            }
            Err(error) => {
                tracing::error!(error = %error, "commit failed; reloading state from the store");
                self.metrics.inc("watchfloor_commit_failures_total", &[]);
                let message = error.to_string();
                for reply in pending {
                    reply.fail(WriteError::Store(message.clone()));
                }
                return self.reload().await;
            }
        }
        ControlFlow::Continue(())
    }

    /// After a failed commit the engine is ahead of the store: goes back
    /// to what is committed, with the re-sends committed earlier whose rows
    /// are not written yet (held again, to be written). A store that cannot
    /// be read after [`RELOAD_BACKOFF`]'s tries stops the loop, and with it
    /// the server: its next commit would write what the failed one did not,
    /// without the audit entries, timeline and notifications that went with it.
    async fn reload(&mut self) -> ControlFlow<()> {
        for (attempt, pause) in (1..).zip(RELOAD_BACKOFF) {
            match restore(self.engine.config().clone(), &self.store).await {
                Ok(mut engine) => {
                    engine.hold_touches(&self.signals.touches.held());
                    self.engine = engine;
                    tracing::info!("state reloaded from the store");
                    return ControlFlow::Continue(());
                }
                Err(error) => {
                    tracing::error!(error = %error, attempt, "reloading state failed");
                    tokio::time::sleep(pause).await;
                }
            }
        }
        tracing::error!(
            "the store could not be read back after a failed commit; stopping, so that \
             nothing the failed commit held is written later"
        );
        ControlFlow::Break(())
    }

    /// Answers `reply`, whose effects are committed; an ingest takes its
    /// payload from `payloads`, the batch's in order, to hand it back.
    fn answer_committed(&self, reply: Pending, payloads: &mut impl Iterator<Item = PayloadRecord>) {
        match reply {
            Pending::Ingest { reply, receipt, kind, received, repeats } => {
                let kind = kind.as_str();
                self.metrics.add(
                    "watchfloor_events_accepted_total",
                    &[("kind", kind)],
                    receipt.events as u64,
                );
                self.metrics.observe(
                    "watchfloor_ingest_latency_seconds",
                    &[("kind", kind)],
                    received.elapsed().as_secs_f64(),
                );
                let ingested = Ingested { receipt, _repeats: repeats, _payload: payloads.next() };
                let _ = reply.send(Ok(ingested));
            }
            Pending::Command(reply, receipt) => {
                let _ = reply.send(Ok(receipt));
            }
            Pending::Done(reply) => {
                let _ = reply.send(Ok(()));
            }
            Pending::Imported(reply, handled) => {
                self.metrics.add("watchfloor_imported_events_handled_total", &[], handled as u64);
                let _ = reply.send(Ok(handled));
            }
        }
    }

    fn command(
        &mut self,
        now: Timestamp,
        command: &Command,
        effects: &mut Vec<Effect>,
        batch: &mut CommitBatch,
    ) -> Result<CommandReceipt, CommandError> {
        let (action, incident, actor, detail) = match command {
            Command::Acknowledge { incident, actor } => {
                self.engine.acknowledge(now, *incident, actor, effects)?;
                ("incident.acknowledge", *incident, actor, serde_json::Value::Null)
            }
            Command::Resolve { incident, actor } => {
                self.engine.resolve(now, *incident, actor, effects)?;
                ("incident.resolve", *incident, actor, serde_json::Value::Null)
            }
            Command::Note { incident, tenant, actor, text } => {
                effects.push(Effect::Timeline(TimelineEntry {
                    incident_id: *incident,
                    tenant: tenant.clone(),
                    at: now,
                    kind: TimelineKind::Note,
                    message: text.clone(),
                    actor: actor.clone(),
                }));
                ("incident.note", *incident, actor, serde_json::json!({"text": text}))
            }
            Command::AddSilence { silence, actor } => {
                let created = self.engine.add_silence(now, silence.clone())?;
                batch.audit.push(silence_audit(now, "silence.create", actor, &created));
                return Ok(CommandReceipt { silence: Some(created) });
            }
            Command::ExpireSilence { id, actor } => {
                let expired = self.engine.expire_silence(now, *id, actor, effects)?;
                batch.audit.push(silence_audit(now, "silence.expire", actor, &expired));
                return Ok(CommandReceipt { silence: Some(expired) });
            }
        };
        let tenant = match command {
            Command::Note { tenant, .. } => Some(tenant.clone()),
            _ => self.engine_tenant(incident, effects),
        };
        batch.audit.push(AuditEntry {
            at: now,
            actor: actor.clone(),
            action: action.to_owned(),
            tenant,
            target: format!("incident:{incident}"),
            detail,
        });
        Ok(CommandReceipt::default())
    }

    fn engine_tenant(&self, incident: IncidentId, effects: &[Effect]) -> Option<TenantId> {
        self.engine.open_incident(incident).map(|i| i.tenant.clone()).or_else(|| {
            effects.iter().rev().find_map(|e| match e {
                Effect::Timeline(t) if t.incident_id == incident => Some(t.tenant.clone()),
                _ => None,
            })
        })
    }

    /// Sorts effects into the batch, rendering each notification now so that
    /// every retry sends exactly the same body.
    fn collect(&self, changes: &Changes, effects: Vec<Effect>, batch: &mut CommitBatch) {
        let config = self.engine.config();
        for effect in effects {
            match effect {
                // An alert's "attached" and "resolved" lines are read
                // from its row, which this commit writes.
                Effect::Timeline(entry) if entry.kind.is_read_from_alert() => {}
                Effect::Timeline(entry) => batch.timeline.push(entry),
                Effect::RuleFailed { tenant, rule, message } => {
                    tracing::warn!(tenant = %tenant, rule = %rule, error = %message, "rule skipped");
                    self.metrics.inc("watchfloor_rule_errors_total", &[("rule", &rule)]);
                }
                Effect::Dropped { rule, .. } => {
                    self.metrics.inc("watchfloor_rule_drops_total", &[("rule", &rule)]);
                }
                Effect::SlaBreached { target, tier, .. } => {
                    let labels = [("target", target), ("tier", tier)];
                    self.metrics.inc("watchfloor_sla_breaches_total", &labels);
                }
                Effect::Notify(notification) => {
                    let Some(channel) = config.channel(&notification.channel) else { continue };
                    let incident = changes
                        .incidents
                        .iter()
                        .rev()
                        .find(|i| i.id == notification.incident_id)
                        .or_else(|| self.engine.open_incident(notification.incident_id));
                    let Some(incident) = incident else { continue };
                    let tenant_name = config
                        .tenant(&incident.tenant)
                        .map_or(incident.tenant.as_str(), |t| t.name.as_str());
                    let service_name = config
                        .service(&incident.service)
                        .map_or(incident.service.as_str(), |s| s.name.as_str());
                    let context = channels::RenderContext {
                        incident,
                        tenant_name,
                        service_name,
                        reason: notification.reason,
                        incident_url: format!(
                            "{}/incidents/{}",
                            config.public_url.trim_end_matches('/'),
                            incident.id
                        ),
                        page: notification.page.as_ref(),
                    };
                    let body = channels::render(&channel.kind, &context).to_string();
                    batch.outbox.push(OutboxRecord {
                        notification,
                        channel_kind: channel.kind.name().to_owned(),
                        body,
                    });
                }
            }
        }
    }

    fn publish_gauges(&self) {
        self.metrics
            .alerts_active
            .store(self.engine.active_alert_count() as i64, Ordering::Relaxed);
        self.metrics
            .incidents_open
            .store(self.engine.open_incident_count() as i64, Ordering::Relaxed);
    }
}

fn silence_audit(
    now: Timestamp,
    action: &str,
    actor: &str,
    silence: &domain::suppression::Silence,
) -> AuditEntry {
    AuditEntry {
        at: now,
        actor: actor.to_owned(),
        action: action.to_owned(),
        tenant: Some(silence.tenant.clone()),
        target: format!("silence:{}", silence.id),
        detail: crate::http::silence_json(silence, now),
    }
}

fn count_opened(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Timeline(t) if t.kind == TimelineKind::Opened))
        .count() as u64
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The edge reads the clock; the engine is handed the reading, at the
/// millisecond precision the store keeps, so state reloaded after a restart
/// equals the state that was written.
pub fn now() -> Timestamp {
    let now = Timestamp::now();
    Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use domain::{EventAction, ServiceId};

    use super::*;

    /// Restored a page at a time, the engine has every active alert and
    /// none of the resolved: re-sends dedup into their alerts, and a resolved
    /// key opens a new one.
    #[tokio::test]
    async fn restore_reads_every_page() {
        let config = config::parse(
            "tenants: [{id: acme, tier: gold}]\nservices: [{id: web, tenant: acme}]\n",
            "test.yaml",
        )
        .expect("a valid config");
        let config = Arc::new(config);
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("watchfloor.sqlite");
        let store = Store::open(path.to_str().expect("a UTF-8 path")).await.expect("store");
        store.migrate().await.expect("migrate");
        let (tenant, service) =
            (TenantId::parse("acme").expect("id"), ServiceId::parse("web").expect("id"));
        let at = Timestamp::from_second(1_800_000_000).expect("a timestamp");
        let event = |key: &str, action| {
            let mut event = Event::trigger(key, format!("problem {key}"));
            event.action = action;
            event
        };
        let mut engine = Engine::new(config.clone());
        let mut effects = Vec::new();
        let mut ids = Vec::new();
        for n in 0..7 {
            let outcome = engine.handle_event(
                at,
                &tenant,
                &service,
                &event(&format!("k{n}"), EventAction::Trigger),
                &mut effects,
            );
            ids.push(outcome.alert_id);
        }
        engine.handle_event(
            at,
            &tenant,
            &service,
            &event("k3", EventAction::Resolve),
            &mut effects,
        );
        let changes = engine.take_changes();
        let batch = CommitBatch {
            incidents: changes.incidents,
            alerts: changes.alerts,
            ..CommitBatch::default()
        };
        store.commit(&batch).await.expect("commit");

        let mut restored = restore_in_pages(config, &store, 2).await.expect("restore");
        assert_eq!(restored.active_alert_count(), 6);
        for n in [0, 1, 2, 4, 5, 6] {
            let key = format!("k{n}");
            let outcome = restored.handle_event(
                at,
                &tenant,
                &service,
                &event(&key, EventAction::Trigger),
                &mut effects,
            );
            assert_eq!(outcome.alert_id, ids[n], "{key} dedups into its alert");
        }
        let reopened = restored.handle_event(
            at,
            &tenant,
            &service,
            &event("k3", EventAction::Trigger),
            &mut effects,
        );
        assert!(reopened.alert_id.is_some_and(|id| Some(id) != ids[3]), "k3 was resolved");
        store.close().await;
    }
}
