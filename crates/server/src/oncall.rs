//! `GET /api/v1/oncall`: who a schedule puts on call at an instant, why, and for how long.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use domain::oncall::{Contact, ScheduleId};
use domain::{Config, Timestamp};
use engine::oncall::{ScheduleError, Source, on_call};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::http::{QueryMap, SharedState, query_params, require_admin, ts};

/// `GET /api/v1/oncall?schedule=ID&at=TIME` (`at` defaults to now).
pub async fn on_call_now(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let params = query_params(query, &["schedule", "at"])?;
    let at = match params.get("at") {
        Some(raw) => parse_at(raw)?,
        None => crate::writer::now(),
    };
    let schedule = params.get("schedule").map(String::as_str).ok_or_else(|| {
        ApiError::bad_request("invalid_query", "the query parameter schedule is required")
    })?;
    Ok(Json(on_call_document(&app.config, schedule, at)?))
}

/// An RFC 3339 instant. A `+` in a query string means a space, so an
/// offset written `+02:00` without escaping it as `%2B` arrives as
/// ` 02:00`; that is read as the `+02:00` it was.
pub fn parse_at(raw: &str) -> Result<Timestamp, ApiError> {
    let repaired = || match raw.rsplit_once(' ') {
        Some((before, offset)) if offset.len() == 5 && offset.as_bytes()[2] == b':' => {
            format!("{before}+{offset}")
        }
        _ => raw.to_owned(),
    };
    raw.parse::<Timestamp>().or_else(|_| repaired().parse::<Timestamp>()).map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            format!(
                "at {raw:?}: expected an RFC 3339 time with an offset, e.g. 2026-03-29T07:00:00Z"
            ),
        )
    })
}

/// Who `schedule` puts on call at `at`, as the API answers it. Nobody on
/// call is not an error: `user` and `source` are null, and `from`/`until`
/// bound the gap (each null when it reaches more than four years away).
pub fn on_call_document(config: &Config, schedule: &str, at: Timestamp) -> Result<Value, ApiError> {
    let unknown = || ApiError::not_found(format!("no schedule {schedule:?}"));
    let id = ScheduleId::parse(schedule).map_err(|e| {
        ApiError::bad_request("invalid_query", format!("schedule {schedule:?}: {e}"))
    })?;
    let found = config.schedule(&id).ok_or_else(unknown)?;
    let mut document = json!({"schedule": id.as_str(), "at": ts(at)});
    match on_call(found, at) {
        Ok(on_call) => {
            let user = match config.user(&on_call.user) {
                Some(user) => json!({
                    "id": user.id.as_str(),
                    "name": user.name,
                    "contacts": user.contacts.iter().map(contact_json).collect::<Vec<_>>(),
                }),
                None => {
                    json!({"id": on_call.user.as_str(), "name": on_call.user.as_str(), "contacts": []})
                }
            };
            document["user"] = user;
            document["source"] = match &on_call.source {
                Source::Layer { name, .. } => json!({"layer": name}),
                Source::Override { index } => json!({"override": index}),
            };
            document["from"] = json!(ts(on_call.from));
            document["until"] = json!(ts(on_call.until));
        }
        Err(ScheduleError::NobodyOnCall { from, until }) => {
            document["user"] = Value::Null;
            document["source"] = Value::Null;
            document["from"] = from.map_or(Value::Null, |at| json!(ts(at)));
            document["until"] = until.map_or(Value::Null, |at| json!(ts(at)));
        }
        // A checked config cannot hold such a schedule.
        Err(error) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "invalid_schedule",
                format!("schedule {schedule:?} cannot be computed: {error}"),
            ));
        }
    }
    Ok(document)
}

/// One contact as written in the config: `{"email": "ana@example.com"}`.
fn contact_json(contact: &Contact) -> Value {
    match contact {
        Contact::Email(address) => json!({"email": address}),
        Contact::Slack(member) => json!({"slack": member}),
        Contact::Phone(number) => json!({"phone": number}),
        Contact::Webhook(channel) => json!({"webhook": channel.as_str()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_accepts_rfc_3339_and_an_offset_whose_plus_became_a_space() {
        let expected: Timestamp = "2026-06-03T12:00:00Z".parse().expect("valid");
        assert_eq!(parse_at("2026-06-03T12:00:00Z"), Ok(expected));
        assert_eq!(parse_at("2026-06-03T14:00:00+02:00"), Ok(expected));
        assert_eq!(parse_at("2026-06-03T14:00:00 02:00"), Ok(expected));
        for bad in
            ["yesterday", "2026-06-03", "2026-06-03T12:00:00", "", "2026-06-03T12:00:00 0200"]
        {
            let error = parse_at(bad).expect_err(bad);
            assert_eq!((error.status, error.code), (StatusCode::BAD_REQUEST, "invalid_query"));
        }
    }
}
