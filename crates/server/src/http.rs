//! The HTTP surface: ingest endpoints, the incidents API and operations
//! endpoints. Handlers are thin: authenticate, parse, hand to the engine loop
//! or the store, and shape the answer.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{
    Alert, Config, IncidentId, IncidentStatus, Integration, IntegrationKind, SourceKind, TenantId,
    TimelineEntry,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::{Delivery, DeliveryStatus, IncidentFilter, Store};

use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::writer::{Command, Signals, WriteError, Writer};

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The longest note accepted.
const MAX_NOTE_CHARS: usize = 10_000;

pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub writer: Writer,
    pub metrics: Arc<Metrics>,
    pub signals: Signals,
    pub admin_token_sha256: [u8; 32],
    /// `serve --demo`: the UI needs no sign-in.
    pub demo: bool,
    /// What each integration says beyond its key, tenant, service and kind.
    pub integrations: Arc<config::IntegrationSettings>,
    /// The SNS endpoint's settings, certificate cache and HTTP clients.
    pub sns: Arc<crate::sns::SnsHooks>,
    /// How long a request's head, and then its body, may take to arrive.
    pub read_timeout: std::time::Duration,
}

pub type SharedState = Arc<AppState>;

pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/v2/enqueue", post(pagerduty))
        .route("/api/v2/alerts", post(alertmanager_api))
        .route("/hooks/{kind}/{key}", post(hook))
        .route("/hooks/sns/{key}", post(crate::sns::hook))
        .route("/hooks/eventbridge", post(eventbridge_by_header))
        .route("/api/v1/sns/subscriptions", get(crate::sns::subscriptions))
        .route("/api/v1/incidents", get(list_incidents))
        .route("/api/v1/incidents/{id}", get(incident_detail))
        .route("/api/v1/incidents/{id}/acknowledge", post(acknowledge))
        .route("/api/v1/incidents/{id}/resolve", post(resolve))
        .route("/api/v1/incidents/{id}/notes", post(add_note))
        .route("/api/v1/deliveries", get(list_deliveries))
        .route("/api/v1/audit", get(audit_log))
        .route("/api/v1/stats", get(stats))
        .route("/api/v1/events/export", get(export_events))
        .route("/api/v1/oncall", get(crate::oncall::on_call_now))
        .route("/api/v1/silences", get(crate::silences::list).post(crate::silences::create))
        .route("/api/v1/silences/{id}", get(crate::silences::show).delete(crate::silences::expire))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(crate::ui::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(access_log))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
}

/// One structured line per request. Logs the route template (`/hooks/{kind}/{key}`),
/// never the path itself, so integration keys cannot reach the logs.
async fn access_log(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "<unmatched>".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    tracing::debug!(
        %method,
        route,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not accept that method",
    )
}

// ---------------------------------------------------------------- ingest

/// Reads a request's whole body: 413 over [`MAX_BODY_BYTES`], 408 when it
/// has not arrived within `timeout` (a client that stalls part way holds
/// what it sent no longer).
pub async fn read_body(body: Body, timeout: std::time::Duration) -> Result<Bytes, ApiError> {
    let reading = tokio::time::timeout(timeout, axum::body::to_bytes(body, MAX_BODY_BYTES));
    let Ok(read) = reading.await else {
        return Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!("the request body did not arrive within {timeout:?}"),
        ));
    };
    read.map_err(|error| {
        let inner = error.into_inner();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
        while let Some(error) = source {
            if error.is::<http_body_util::LengthLimitError>() {
                return ApiError::too_large(MAX_BODY_BYTES);
            }
            source = error.source();
        }
        ApiError::bad_request(
            "unreadable_body",
            format!("could not read the request body: {inner}"),
        )
    })
}

impl AppState {
    /// [`read_body`] within this server's read timeout.
    pub async fn read_body(&self, body: Body) -> Result<Bytes, ApiError> {
        read_body(body, self.read_timeout).await
    }

    /// The integration a key names, if it is of the kind this endpoint takes.
    fn integration(&self, key: &str, kind: IntegrationKind) -> Result<&Integration, ApiError> {
        self.config
            .integration_by_key(key)
            .filter(|i| i.kind == kind)
            .ok_or_else(ApiError::unknown_integration)
    }

    /// [`AppState::integration`] with its index in `Config::integrations`
    /// (where its own settings are found).
    pub(crate) fn integration_at(
        &self,
        key: &str,
        kind: IntegrationKind,
    ) -> Result<(usize, &Integration), ApiError> {
        self.config
            .integrations
            .iter()
            .enumerate()
            .find(|(_, i)| i.kind == kind && i.key.expose() == key)
            .ok_or_else(ApiError::unknown_integration)
    }

    pub(crate) async fn ingest(
        &self,
        integration: &Integration,
        source_kind: SourceKind,
        body: &Bytes,
        events: Vec<domain::Event>,
        received: Instant,
    ) -> Result<usize, ApiError> {
        let text = std::str::from_utf8(body).map_err(|e| {
            ApiError::bad_request("invalid_json", format!("body is not UTF-8: {e}"))
        })?;
        refuse_unstorable(&events)?;
        self.metrics.add(
            "watchfloor_events_received_total",
            &[("kind", source_kind.as_str())],
            events.len() as u64,
        );
        let receipt = self
            .writer
            .ingest(
                integration.tenant.clone(),
                integration.service.clone(),
                source_kind,
                text,
                events,
                received,
            )
            .await
            .map_err(write_error)?;
        Ok(receipt.events)
    }

    pub(crate) fn rejected(&self, kind: SourceKind, error: &ApiError) {
        self.metrics.inc(
            "watchfloor_events_rejected_total",
            &[("kind", kind.as_str()), ("reason", error.code)],
        );
    }
}

/// Bodies larger than this are parsed on the blocking pool rather than on
/// the worker that serves requests: a batch of a few hundred alerts takes
/// milliseconds to parse, a 4 MiB one about a second, and the worker would
/// answer no one else meanwhile (on SQLite the runtime has one). An
/// Alertmanager batch of 100 alerts is about 45 KiB.
const PARSE_INLINE_MAX_BYTES: usize = 64 * 1024;

/// `parse(bytes)`, on the blocking pool when `bytes` is large.
async fn parse_aside<T: Send + 'static>(
    bytes: &Bytes,
    parse: impl FnOnce(&[u8]) -> T + Send + 'static,
) -> Result<T, ApiError> {
    if bytes.len() <= PARSE_INLINE_MAX_BYTES {
        return Ok(parse(bytes));
    }
    let bytes = bytes.clone();
    tokio::task::spawn_blocking(move || parse(&bytes)).await.map_err(|error| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("parsing the body failed: {error}"),
        )
    })
}

/// Refuses a batch in which an event cannot be kept as it is: one over
/// [`domain::EventLimits`], or holding U+0000 (NUL), which the store
/// cannot keep (on PostgreSQL it would fail the commit of every request
/// batched with it). Each such event is named by its index.
pub(crate) fn refuse_unstorable(events: &[domain::Event]) -> Result<(), ApiError> {
    let details: Vec<Value> = events
        .iter()
        .enumerate()
        .filter_map(|(index, event)| {
            let why = event.unstorable()?;
            Some(json!({"index": index, "message": format!("event {index}: {why}")}))
        })
        .collect();
    if details.is_empty() {
        return Ok(());
    }
    let mut error = ApiError::bad_request(
        "invalid_items",
        format!("{} of {} events cannot be stored as sent; see items", details.len(), events.len()),
    );
    error.details = details;
    Err(error)
}

fn write_error(error: WriteError) -> ApiError {
    match error {
        WriteError::Command(engine::CommandError::NotOpen(id)) => {
            ApiError::conflict(format!("incident {id} is already resolved"))
        }
        WriteError::Command(other) => ApiError::conflict(other.to_string()),
        WriteError::Store(message) => {
            ApiError::unavailable(format!("the event store is unavailable: {message}"))
        }
        WriteError::Stopped => ApiError::unavailable("the server is shutting down"),
    }
}

fn fresh_dedup_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// `POST /v2/enqueue`: answers like PagerDuty does.
async fn pagerduty(State(app): State<SharedState>, body: Body) -> Response {
    let received = Instant::now();
    let result = async {
        let bytes = app.read_body(body).await?;
        // An unknown key is refused before the body is parsed whole.
        if let Some(key) = ingest::pagerduty_routing_key(&bytes) {
            app.integration(&key, IntegrationKind::PagerDuty)?;
        }
        let now = crate::writer::now();
        let parsing = parse_aside(&bytes, move |body| {
            ingest::parse_pagerduty(body, now, &mut fresh_dedup_key)
        });
        let parsed = parsing.await?.map_err(ApiError::from_ingest)?;
        let integration = app.integration(&parsed.routing_key, IntegrationKind::PagerDuty)?;
        let dedup_key = parsed.event.dedup_key.clone();
        app.ingest(integration, SourceKind::PagerDuty, &bytes, vec![parsed.event], received)
            .await?;
        Ok::<_, ApiError>(dedup_key)
    }
    .await;
    match result {
        Ok(dedup_key) => (
            StatusCode::ACCEPTED,
            Json(
                json!({"status": "success", "message": "Event processed", "dedup_key": dedup_key}),
            ),
        )
            .into_response(),
        Err(error) => {
            app.rejected(SourceKind::PagerDuty, &error);
            let mut errors = vec![Value::String(error.message.clone())];
            errors.extend(error.details.iter().filter_map(|d| d.get("message").cloned()));
            let mut body = error.body();
            body["status"] = json!(if error.status == StatusCode::BAD_REQUEST {
                "invalid event"
            } else {
                "error"
            });
            body["message"] = json!(if error.status == StatusCode::BAD_REQUEST {
                "Event object is invalid"
            } else {
                error.message.as_str()
            });
            body["errors"] = Value::Array(errors);
            (error.status, Json(body)).into_response()
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `POST /api/v2/alerts`: Prometheus alerts here directly with the integration key as bearer token.
async fn alertmanager_api(
    State(app): State<SharedState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let received = Instant::now();
    let kind = SourceKind::AlertmanagerApi;
    let result = async {
        let key = bearer(&headers).ok_or_else(ApiError::unknown_integration)?;
        let integration = app.integration(key, IntegrationKind::Alertmanager)?;
        let bytes = app.read_body(body).await?;
        let now = crate::writer::now();
        let parsed = parse_aside(&bytes, move |body| ingest::parse_alertmanager_api(body, now));
        let events = parsed.await?.map_err(ApiError::from_ingest)?;
        app.ingest(integration, kind, &bytes, events, received).await
    }
    .await;
    match result {
        Ok(count) => Ok(Json(json!({"status": "success", "alerts": count})).into_response()),
        Err(error) => {
            app.rejected(kind, &error);
            Err(error)
        }
    }
}

/// The pure parser behind each hook kind.
pub fn parse_hook(
    kind: SourceKind,
    body: &[u8],
    now: domain::Timestamp,
) -> Result<Vec<domain::Event>, ingest::IngestError> {
    match kind {
        SourceKind::AlertmanagerWebhook => ingest::parse_alertmanager_webhook(body, now),
        SourceKind::EventBridge => {
            ingest::parse_eventbridge(body, now, &ingest::CloudWatchOptions::default())
        }
        SourceKind::Azure => ingest::parse_azure(body, now),
        SourceKind::Grafana => ingest::parse_grafana(body, now),
        _ => ingest::parse_generic(body, now),
    }
}

/// `POST /hooks/{kind}/{key}`.
async fn hook(
    State(app): State<SharedState>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let received = Instant::now();
    let Path((kind, key)) =
        path.map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))?;
    let (integration_kind, source_kind) = match kind.as_str() {
        "alertmanager" => (IntegrationKind::Alertmanager, SourceKind::AlertmanagerWebhook),
        "generic" => (IntegrationKind::Generic, SourceKind::Generic),
        "eventbridge" => (IntegrationKind::EventBridge, SourceKind::EventBridge),
        "azure" => (IntegrationKind::Azure, SourceKind::Azure),
        "grafana" => (IntegrationKind::Grafana, SourceKind::Grafana),
        other => {
            return Err(ApiError::not_found(format!(
                "unknown hook kind {other:?}: expected alertmanager, generic, sns, eventbridge, azure or grafana"
            )));
        }
    };
    let integration = app.integration(&key, integration_kind);
    hook_for(&app, integration, source_kind, body, received).await
}

/// Parses and ingests a hook's body for the integration its key named.
async fn hook_for(
    app: &AppState,
    integration: Result<&Integration, ApiError>,
    source_kind: SourceKind,
    body: Body,
    received: Instant,
) -> Result<Response, ApiError> {
    let result = async {
        let integration = integration?;
        let bytes = app.read_body(body).await?;
        let now = crate::writer::now();
        let parsed = parse_aside(&bytes, move |body| parse_hook(source_kind, body, now)).await?;
        let events = parsed.map_err(ApiError::from_ingest)?;
        app.ingest(integration, source_kind, &bytes, events, received).await
    }
    .await;
    match result {
        Ok(count) => {
            Ok((StatusCode::ACCEPTED, Json(json!({"status": "success", "events": count})))
                .into_response())
        }
        Err(error) => {
            app.rejected(source_kind, &error);
            Err(error)
        }
    }
}

/// `POST /hooks/eventbridge`: an EventBridge API destination whose
/// connection sends the integration key in a header (`x-watchfloor-key`, or
/// the integration's `eventbridge.key_header`) rather than in the URL.
async fn eventbridge_by_header(
    State(app): State<SharedState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let received = Instant::now();
    let integration = app
        .config
        .integrations
        .iter()
        .enumerate()
        .filter(|(_, integration)| integration.kind == IntegrationKind::EventBridge)
        .find(|(index, integration)| {
            headers
                .get(app.integrations.key_header(*index))
                .and_then(|value| value.to_str().ok())
                .is_some_and(|presented| presented.trim() == integration.key.expose())
        })
        .map(|(_, integration)| integration)
        .ok_or_else(ApiError::unknown_integration);
    hook_for(&app, integration, SourceKind::EventBridge, body, received).await
}

// ---------------------------------------------------------------- incidents API

/// The admin token, compared by digest so timing reveals nothing.
pub fn token_matches(state: &AppState, presented: &str) -> bool {
    let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    digest.iter().zip(state.admin_token_sha256.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

pub(crate) fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    match bearer(headers) {
        Some(token) if token_matches(state, token) => Ok("user:admin".to_owned()),
        _ => Err(ApiError::unauthorized()),
    }
}

pub(crate) fn incident_id(
    path: Result<Path<String>, PathRejection>,
) -> Result<IncidentId, ApiError> {
    let Path(raw) = path.map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))?;
    canonical_id(&raw).map(IncidentId).ok_or_else(|| {
        ApiError::bad_request("invalid_id", format!("{raw:?} is not an incident id"))
    })
}

/// A positive id written as ids are shown: digits only, no leading zero
/// (`i64`'s own parsing takes `+7` and `007` for 7).
pub(crate) fn canonical_id(raw: &str) -> Option<i64> {
    let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    if !digits || raw.starts_with('0') {
        return None;
    }
    raw.parse().ok()
}

pub fn ts(at: domain::Timestamp) -> String {
    at.to_string()
}

fn opt_ts(at: Option<domain::Timestamp>) -> Value {
    at.map_or(Value::Null, |at| Value::String(ts(at)))
}

pub fn incident_json(incident: &domain::Incident) -> Value {
    // The first acknowledgement: a renewed or expired one does not move it.
    let first_acknowledged = incident.triage.first_acknowledged_at.or(incident.acknowledged_at);
    let mtta = first_acknowledged.map(|at| at.duration_since(incident.created_at).as_secs());
    let mttr = incident.resolved_at.map(|at| at.duration_since(incident.created_at).as_secs());
    json!({
        "id": incident.id.0,
        "tenant": incident.tenant.as_str(),
        "service": incident.service.as_str(),
        "group_key": incident.group_key,
        "title": incident.title,
        "status": incident.status.as_str(),
        "severity": incident.severity.as_str(),
        "priority": incident.priority.to_string(),
        "priority_reason": incident.priority_reason,
        "alert_count": incident.alert_count,
        "active_alert_count": incident.active_alert_count,
        "event_count": incident.event_count,
        "created_at": ts(incident.created_at),
        "updated_at": ts(incident.updated_at),
        "acknowledged_at": opt_ts(incident.acknowledged_at),
        "acknowledged_by": incident.acknowledged_by,
        "resolved_at": opt_ts(incident.resolved_at),
        "resolved_by": incident.resolved_by,
        "seconds_to_acknowledge": mtta,
        "seconds_to_resolve": mttr,
        "tags": incident.triage.tags,
        "held": incident.triage.held,
        "flapping": incident.triage.flapping,
        "priority_rule": incident.triage.priority_rule,
        "escalation": incident.triage.escalation.as_ref().map(|state| json!({
            "policy": state.policy.as_str(),
            "started_at": ts(state.started_at),
            "tier": state.tier + 1,
            "round": state.round + 1,
        })),
        "sla_breached": incident.triage.sla_breached,
    })
}

pub use crate::silences::silence_json;

fn alert_json(alert: &Alert) -> Value {
    json!({
        "id": alert.id.0,
        "dedup_key": alert.dedup_key,
        "status": alert.status.as_str(),
        "severity": alert.severity.as_str(),
        "summary": alert.summary,
        "source": alert.source,
        "labels": alert.labels,
        "first_seen": ts(alert.first_seen),
        "last_seen": ts(alert.last_seen),
        "resolved_at": opt_ts(alert.resolved_at),
        "event_count": alert.event_count,
    })
}

fn timeline_json(entry: &TimelineEntry) -> Value {
    json!({
        "at": ts(entry.at),
        "kind": entry.kind.as_str(),
        "message": entry.message,
        "actor": entry.actor,
    })
}

pub fn delivery_json(delivery: &Delivery) -> Value {
    json!({
        "id": delivery.id,
        "tenant": delivery.tenant.as_str(),
        "incident_id": delivery.incident_id.0,
        "channel": delivery.channel.as_str(),
        "channel_kind": delivery.channel_kind,
        "reason": delivery.reason.as_str(),
        "status": delivery.status.as_str(),
        "attempts": delivery.attempts,
        "next_attempt_at": ts(delivery.next_attempt_at),
        "last_error": delivery.last_error,
        "idempotency_key": delivery.idempotency_key,
        "created_at": ts(delivery.created_at),
        "updated_at": ts(delivery.updated_at),
    })
}

/// A store error as the client sees it: 503 when retrying later may help
/// (the database is unreachable, busy, full or shutting down), 500 when it
/// will not (a damaged row, a statement the database refuses).
pub(crate) fn store_error(error: store::StoreError) -> ApiError {
    if error.is_unavailable() {
        return ApiError::unavailable(format!("the store is unavailable: {error}"));
    }
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "store_error",
        format!("the store failed: {error}"),
    )
}

pub(crate) type QueryMap = Result<Query<BTreeMap<String, String>>, QueryRejection>;

pub(crate) fn query_params(
    query: QueryMap,
    allowed: &[&str],
) -> Result<BTreeMap<String, String>, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    if let Some(unknown) = params.keys().find(|k| !allowed.contains(&k.as_str())) {
        let expected = if allowed.is_empty() {
            "this endpoint takes none".to_owned()
        } else {
            format!("expected one of {}", allowed.join(", "))
        };
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("unknown query parameter {unknown:?}; {expected}"),
        ));
    }
    Ok(params)
}

fn limit_param(params: &BTreeMap<String, String>, default: i64) -> Result<i64, ApiError> {
    match params.get("limit") {
        None => Ok(default),
        Some(raw) => {
            raw.parse::<i64>().ok().filter(|n| (1..=10_000).contains(n)).ok_or_else(|| {
                ApiError::bad_request("invalid_query", format!("limit {raw:?} must be 1..=10000"))
            })
        }
    }
}

/// Parses the `status` filter: `open` means triggered or acknowledged.
pub fn status_filter(raw: Option<&str>) -> Result<Vec<IncidentStatus>, ApiError> {
    match raw {
        None | Some("") | Some("any") => Ok(Vec::new()),
        Some("open") => Ok(vec![IncidentStatus::Triggered, IncidentStatus::Acknowledged]),
        Some(other) => IncidentStatus::parse(other).map(|s| vec![s]).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                format!(
                    "status {other:?}: expected open, triggered, acknowledged, resolved or any"
                ),
            )
        }),
    }
}

async fn list_incidents(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let params = query_params(query, &["status", "tenant", "limit"])?;
    let statuses = status_filter(params.get("status").map(String::as_str))?;
    let tenant = match params.get("tenant") {
        None => None,
        Some(raw) => {
            let id = TenantId::parse(raw)
                .map_err(|e| ApiError::bad_request("invalid_query", format!("tenant: {e}")))?;
            if app.config.tenant(&id).is_none() {
                return Err(ApiError::not_found(format!("unknown tenant {raw:?}")));
            }
            Some(id)
        }
    };
    let filter = IncidentFilter { statuses, tenant, limit: limit_param(&params, 500)? };
    let incidents = app.store.list_incidents(&filter).await.map_err(store_error)?;
    Ok(Json(json!({"incidents": incidents.iter().map(incident_json).collect::<Vec<_>>()})))
}

async fn incident_detail(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let id = incident_id(path)?;
    Ok(Json(incident_document(&app, id).await?))
}

pub async fn incident_document(app: &AppState, id: IncidentId) -> Result<Value, ApiError> {
    let incident = app
        .store
        .incident(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
    let mut alerts = app.store.incident_alerts(id).await.map_err(store_error)?;
    for alert in &mut alerts {
        app.signals.touches.apply(alert);
    }
    let timeline = app.store.incident_timeline(id).await.map_err(store_error)?;
    let mut document = incident_json(&incident);
    document["alerts"] = alerts.iter().map(alert_json).collect();
    document["timeline"] = timeline.iter().map(timeline_json).collect();
    Ok(document)
}

/// Acknowledge or resolve through the engine loop, then answer with the incident.
pub async fn incident_command(
    app: &AppState,
    id: IncidentId,
    command: Command,
) -> Result<Value, ApiError> {
    let existing = app.store.incident(id).await.map_err(store_error)?;
    let Some(existing) = existing else {
        return Err(ApiError::not_found(format!("no incident {id}")));
    };
    if existing.status == IncidentStatus::Resolved {
        return Err(ApiError::conflict(format!("incident {id} is already resolved")));
    }
    app.writer.command(command).await.map_err(write_error)?;
    incident_document(app, id).await
}

/// Commands accept an empty body or `{}`: who acts comes from the credentials.
fn empty_object(body: &Bytes) -> Result<(), ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let value: serde_json::Map<String, Value> = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("body: {e}")))?;
    match value.keys().next() {
        None => Ok(()),
        Some(key) => Err(ApiError::bad_request("invalid_field", format!("unknown field {key:?}"))),
    }
}

/// `POST /api/v1/incidents/{id}/acknowledge` and `/resolve`: the body is empty
/// or `{}`; who acts comes from the credentials.
async fn api_command(
    app: &AppState,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Body,
    command: fn(IncidentId, String) -> Command,
) -> Result<Json<Value>, ApiError> {
    let actor = require_admin(app, headers)?;
    let id = incident_id(path)?;
    empty_object(&app.read_body(body).await?)?;
    Ok(Json(incident_command(app, id, command(id, actor)).await?))
}

async fn acknowledge(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    api_command(&app, &headers, path, body, |incident, actor| Command::Acknowledge {
        incident,
        actor,
    })
    .await
}

async fn resolve(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    api_command(&app, &headers, path, body, |incident, actor| Command::Resolve { incident, actor })
        .await
}

/// A request body that must be a JSON object, read into `T`. A derived
/// `Deserialize` takes an array too, its fields by position; refused here.
pub(crate) fn object_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        let value: Result<Value, _> = serde_json::from_slice(bytes);
        let found = match value {
            Ok(Value::Array(_)) => "an array",
            Ok(Value::String(_)) => "a string",
            Ok(Value::Number(_)) => "a number",
            Ok(Value::Bool(_)) => "a boolean",
            Ok(Value::Null) => "null",
            Ok(Value::Object(_)) | Err(_) => "no JSON object",
        };
        return Err(ApiError::bad_request(
            "invalid_json",
            format!("body: expected a JSON object, found {found}"),
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("body: {e}")))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
}

pub async fn note_command(
    app: &AppState,
    id: IncidentId,
    actor: String,
    text: String,
) -> Result<Value, ApiError> {
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(ApiError::bad_request("invalid_field", "text: must not be empty"));
    }
    if text.contains('\0') {
        return Err(ApiError::bad_request(
            "invalid_field",
            "text: holds U+0000 (NUL), which Watchfloor does not store",
        ));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::bad_request(
            "invalid_field",
            format!("text: at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let incident = app
        .store
        .incident(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
    let command =
        Command::Note { incident: id, tenant: incident.tenant, actor: actor.clone(), text };
    app.writer.command(command).await.map_err(write_error)?;
    Ok(json!({"incident_id": id.0, "actor": actor}))
}

async fn add_note(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = require_admin(&app, &headers)?;
    let id = incident_id(path)?;
    let bytes = app.read_body(body).await?;
    let note: NoteBody = object_body(&bytes)?;
    let answer = note_command(&app, id, actor, note.text).await?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

async fn list_deliveries(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let params = query_params(query, &["status", "limit"])?;
    let status = match params.get("status").map(String::as_str) {
        None | Some("any") => None,
        Some("pending") => Some(DeliveryStatus::Pending),
        Some("sent") => Some(DeliveryStatus::Sent),
        Some("dead_lettered") => Some(DeliveryStatus::DeadLettered),
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("status {other:?}: expected pending, sent, dead_lettered or any"),
            ));
        }
    };
    let deliveries =
        app.store.list_deliveries(status, limit_param(&params, 500)?).await.map_err(store_error)?;
    Ok(Json(json!({"deliveries": deliveries.iter().map(delivery_json).collect::<Vec<_>>()})))
}

async fn audit_log(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let params = query_params(query, &["limit"])?;
    let records = app.store.audit_log(limit_param(&params, 500)?).await.map_err(store_error)?;
    let broken = app.store.verify_audit_chain().await.map_err(store_error)?;
    let entries: Vec<Value> = records
        .iter()
        .map(|r| {
            json!({
                "seq": r.seq,
                "at": ts(r.entry.at),
                "actor": r.entry.actor,
                "action": r.entry.action,
                "tenant": r.entry.tenant.as_ref().map(|t| t.as_str()),
                "target": r.entry.target,
                "detail": r.entry.detail,
                "hash": r.hash,
            })
        })
        .collect();
    Ok(Json(
        json!({"entries": entries, "chain_intact": broken.is_none(), "first_broken_seq": broken}),
    ))
}

/// Recorded requests as replay lines (JSON lines), oldest first, so that
/// yesterday's traffic can be replayed against tomorrow's configuration.
/// Page with `after` (the last `id` seen, sent back in `X-Watchfloor-Last-Id`).
async fn export_events(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Response, ApiError> {
    require_admin(&app, &headers)?;
    let params = query_params(query, &["after", "limit"])?;
    let after = match params.get("after") {
        None => 0,
        Some(raw) => raw.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::bad_request("invalid_query", format!("after {raw:?} must be a payload id"))
        })?,
    };
    let payloads = app
        .store
        .payloads_after(after, limit_param(&params, 10_000)?)
        .await
        .map_err(store_error)?;
    let mut body = String::new();
    for payload in &payloads {
        let line = crate::replay::export_line(
            &app.config,
            &payload.tenant,
            &payload.integration_service,
            &payload.source_kind,
            payload.received_at,
            &payload.body,
        );
        if let Some(line) = line {
            body.push_str(&line.to_string());
            body.push('\n');
        }
    }
    let last = payloads.last().map_or(after, |p| p.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_owned()),
            (header::HeaderName::from_static("x-watchfloor-last-id"), last.to_string()),
        ],
        body,
    )
        .into_response())
}

/// Row counts, for operators and for tests that check bad input changed nothing.
async fn stats(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    query_params(query, &[])?;
    let counts = app.store.counts().await.map_err(store_error)?;
    Ok(Json(json!({
        "store": app.store.engine_name(),
        "payloads": counts.payloads,
        "events": counts.events,
        "alerts": counts.alerts,
        "incidents": counts.incidents,
        "open_incidents": counts.open_incidents,
        "timeline": counts.timeline,
        "outbox": counts.outbox,
        "audit": counts.audit,
    })))
}

// ---------------------------------------------------------------- operations

async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(app): State<SharedState>) -> Response {
    let store_ok = app.store.ping().await.is_ok();
    let writer_ok = app.writer.is_running();
    let body = json!({
        "status": if store_ok && writer_ok { "ready" } else { "not_ready" },
        "store": app.store.engine_name(),
        "store_reachable": store_ok,
        "engine_loop_running": writer_ok,
    });
    let status =
        if store_ok && writer_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}

async fn metrics(State(app): State<SharedState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], app.metrics.render())
        .into_response()
}
