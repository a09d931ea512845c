//! `/api/v1/silences`: create, list, show and expire silences. Every change is audited.

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::suppression::{Matcher, Silence};
use domain::{SilenceId, TenantId, Timestamp};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::http::{QueryMap, SharedState, query_params, require_admin, store_error, ts};
use crate::writer::{Command, WriteError};

/// The longest silence accepted: longer ones are maintenance, which belongs in the config.
pub const MAX_SILENCE: std::time::Duration = std::time::Duration::from_secs(90 * 86_400);
/// Silences listed at most.
const LIST_LIMIT: i64 = 1000;
/// Bounds of a new silence: a name, a sentence or a paragraph, and what a
/// silence needs to say what it holds.
const MAX_CREATED_BY_CHARS: usize = 256;
const MAX_COMMENT_CHARS: usize = 4096;
const MAX_MATCHERS: usize = 64;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSilenceBody {
    tenant: String,
    matchers: Vec<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    duration: Option<String>,
    created_by: String,
    comment: String,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_field", message)
}

fn time(field: &str, text: &str) -> Result<Timestamp, ApiError> {
    text.parse().map_err(|e| invalid(format!("{field}: not an RFC 3339 time: {e}")))
}

/// A silence as the API shows it, with its state at `now`.
pub fn silence_json(silence: &Silence, now: Timestamp) -> Value {
    json!({
        "id": silence.id.0,
        "tenant": silence.tenant.as_str(),
        "matchers": silence.matchers.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "starts_at": ts(silence.starts_at),
        "ends_at": ts(silence.ends_at),
        "created_by": silence.created_by,
        "comment": silence.comment,
        "created_at": ts(silence.created_at),
        "expired_at": silence.expired_at.map(ts),
        "expired_by": silence.expired_by,
        "state": silence.state(now),
    })
}

fn command_error(error: WriteError) -> ApiError {
    match error {
        WriteError::Command(engine::CommandError::Invalid(message)) => invalid(message),
        WriteError::Command(engine::CommandError::NoSilence(id)) => {
            ApiError::not_found(format!("no silence {id}"))
        }
        WriteError::Command(engine::CommandError::SilenceExpired(id)) => {
            ApiError::conflict(format!("silence {id} has already expired"))
        }
        WriteError::Command(other) => ApiError::conflict(other.to_string()),
        WriteError::Store(message) => {
            ApiError::unavailable(format!("the event store is unavailable: {message}"))
        }
        WriteError::Stopped => ApiError::unavailable("the server is shutting down"),
    }
}

/// `POST /api/v1/silences`
pub async fn create(
    State(app): State<SharedState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = require_admin(&app, &headers)?;
    let bytes = app.read_body(body).await?;
    let body: NewSilenceBody = crate::http::object_body(&bytes)?;
    let now = crate::writer::now();
    let texts = [("created_by", &body.created_by), ("comment", &body.comment)];
    let mut named = texts.into_iter().chain(body.matchers.iter().map(|m| ("matchers", m)));
    if let Some((field, _)) = named.find(|(_, text)| text.contains('\0')) {
        return Err(invalid(format!(
            "{field}: holds U+0000 (NUL), which Watchfloor does not store"
        )));
    }
    let bounds = [
        ("created_by", body.created_by.chars().count(), MAX_CREATED_BY_CHARS),
        ("comment", body.comment.chars().count(), MAX_COMMENT_CHARS),
        ("matchers", body.matchers.len(), MAX_MATCHERS),
    ];
    if let Some((field, count, max)) = bounds.into_iter().find(|(_, count, max)| count > max) {
        let unit = if field == "matchers" { "of them" } else { "characters" };
        return Err(invalid(format!("{field}: {count} {unit}, at most {max}")));
    }
    let tenant = TenantId::parse(&body.tenant).map_err(|e| invalid(format!("tenant: {e}")))?;
    let matchers = body
        .matchers
        .iter()
        .enumerate()
        .map(|(i, text)| Matcher::parse(text).map_err(|e| invalid(format!("matchers[{i}]: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let starts_at = match &body.starts_at {
        Some(text) => time("starts_at", text)?,
        None => now,
    };
    let ends_at = match (&body.ends_at, &body.duration) {
        (Some(_), Some(_)) => return Err(invalid("give ends_at or duration, not both")),
        (Some(text), None) => time("ends_at", text)?,
        (None, Some(text)) => {
            let duration =
                config::parse_duration(text).map_err(|e| invalid(format!("duration: {e}")))?;
            let duration = jiff::SignedDuration::try_from(duration)
                .map_err(|_| invalid("duration: too long"))?;
            starts_at.checked_add(duration).map_err(|_| invalid("duration: too long"))?
        }
        (None, None) => return Err(invalid("ends_at or duration is required")),
    };
    if ends_at.duration_since(starts_at)
        > jiff::SignedDuration::try_from(MAX_SILENCE).unwrap_or_default()
    {
        return Err(invalid("a silence may last at most 90 days; use a maintenance window"));
    }
    let created_by = body.created_by.trim().to_owned();
    let comment = body.comment.trim().to_owned();
    if created_by.is_empty() {
        return Err(invalid("created_by: must not be empty"));
    }
    if comment.is_empty() {
        return Err(invalid("comment: say why, for whoever is on call next"));
    }
    let silence = engine::NewSilence { tenant, matchers, starts_at, ends_at, created_by, comment };
    let receipt =
        app.writer.command(Command::AddSilence { silence, actor }).await.map_err(command_error)?;
    let Some(created) = receipt.silence else {
        return Err(ApiError::unavailable("the silence was not created"));
    };
    Ok((StatusCode::CREATED, Json(silence_json(&created, now))).into_response())
}

/// `GET /api/v1/silences?state=active|pending|expired|all` (default: not expired).
pub async fn list(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let params = query_params(query, &["state", "tenant"])?;
    let state = params.get("state").map_or("live", String::as_str);
    if !["live", "active", "pending", "expired", "all"].contains(&state) {
        return Err(invalid("state: expected active, pending, expired or all"));
    }
    let tenant = params.get("tenant");
    let now = crate::writer::now();
    let silences: Vec<Value> = app
        .store
        .list_silences(LIST_LIMIT)
        .await
        .map_err(store_error)?
        .iter()
        .filter(|s| tenant.is_none_or(|t| s.tenant.as_str() == t))
        .filter(|s| match state {
            "live" => s.state(now) != "expired",
            "all" => true,
            wanted => s.state(now) == wanted,
        })
        .map(|s| silence_json(s, now))
        .collect();
    Ok(Json(json!({ "silences": silences })))
}

fn silence_id(path: Result<Path<String>, PathRejection>) -> Result<SilenceId, ApiError> {
    let Path(text) = path.map_err(|_| invalid("silence id: expected a number"))?;
    crate::http::canonical_id(&text)
        .map(SilenceId)
        .ok_or_else(|| invalid(format!("silence id: expected a positive number, got {text:?}")))
}

/// `GET /api/v1/silences/{id}`
pub async fn show(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let id = silence_id(path)?;
    let silence = app.store.silence(id).await.map_err(store_error)?;
    let silence = silence.ok_or_else(|| ApiError::not_found(format!("no silence {id}")))?;
    Ok(Json(silence_json(&silence, crate::writer::now())))
}

/// `DELETE /api/v1/silences/{id}`: expires it now.
pub async fn expire(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let actor = require_admin(&app, &headers)?;
    let id = silence_id(path)?;
    let now = crate::writer::now();
    match app.store.silence(id).await.map_err(store_error)? {
        None => return Err(ApiError::not_found(format!("no silence {id}"))),
        Some(silence) if silence.state(now) == "expired" => {
            return Err(ApiError::conflict(format!("silence {id} has already expired")));
        }
        Some(_) => {}
    }
    let receipt =
        app.writer.command(Command::ExpireSilence { id, actor }).await.map_err(command_error)?;
    let Some(expired) = receipt.silence else {
        return Err(ApiError::unavailable("the silence was not expired"));
    };
    // Its state as of the expiry, which the engine stamped after `now`.
    let as_of = expired.expired_at.map_or(now, |at| at.max(now));
    Ok(Json(silence_json(&expired, as_of)))
}
