//! PagerDuty Events API v2 (`POST /v2/enqueue`): one event per request.

use domain::{Event, EventAction, Labels, Link, Severity, SourceKind, Timestamp};
use serde_json::{Value, json};

use crate::error::{FieldError, IngestError};
use crate::fields::{
    self, MAX_DEDUP_KEY_CHARS, MAX_SUMMARY_CHARS, Obj, at_most, item_path, not_in_future,
};

/// Longest accepted `routing_key` (PagerDuty's are 32 characters).
const MAX_ROUTING_KEY_CHARS: usize = 128;

/// A parsed PagerDuty event and the routing key that names its integration.
#[derive(Debug, Clone, PartialEq)]
pub struct PagerDutyEvent {
    /// The integration key; the caller looks it up, this crate only checks its shape.
    pub routing_key: String,
    pub event: Event,
    /// True when the trigger had no `dedup_key` and `fresh_dedup_key` made one;
    /// PagerDuty answers with the key it used, so the caller should too.
    pub dedup_key_generated: bool,
}

/// Parses a PagerDuty Events API v2 body, with PagerDuty's semantics.
///
/// Validation:
/// - `routing_key` required, non-empty, at most 128 characters;
/// - `event_action` required: `trigger`, `acknowledge` or `resolve`;
/// - `dedup_key` at most 255 characters; required for `acknowledge` and
///   `resolve`; on a `trigger` without one, `fresh_dedup_key` is called (only then);
/// - for `trigger`, `payload` is required with `summary` (at most 1024
///   characters), `source` and `severity` (`critical`, `error`, `warning` or
///   `info`); `timestamp` is optional RFC 3339 and may not be more than
///   [`crate::FUTURE_TOLERANCE_SECS`] in the future; `links`, `images` are
///   validated (`href`, `src` required);
/// - for `acknowledge` and `resolve`, PagerDuty ignores `payload`, `links` and
///   `images`: they are used when valid and otherwise ignored, never rejected;
/// - unknown fields are ignored, as PagerDuty does. Empty strings and `null`
///   count as absent for optional fields.
///
/// Mapping to [`Event`]:
/// - `summary`, `source`, `severity` from the payload; `occurred_at` = `payload.timestamp`;
/// - `labels` = `source`, `component`, `group` and `class` when present (they
///   identify, so grouping can use them); `annotations` = `component`, `group`,
///   `class`, `client` and `client_url`;
/// - `details` = `payload.custom_details` (`null` if absent). When the event has
///   `images`, `details` is instead `{"custom_details": <custom_details>, "images": [<images as sent>]}`
///   so they are kept;
/// - `links` = `links`, then each image that has an `href` (text = its `alt`),
///   then `client_url` (text = `client`);
/// - an `acknowledge`/`resolve` without a usable payload gets the summary
///   `"<action> <dedup_key>"` and severity `info` (the engine ignores both).
pub fn parse_pagerduty(
    body: &[u8],
    now: Timestamp,
    fresh_dedup_key: &mut dyn FnMut() -> String,
) -> Result<PagerDutyEvent, IngestError> {
    let value = fields::parse_body(body)?;
    let root = Obj::new(&value, "")?;
    Ok(event(&root, now, fresh_dedup_key)?)
}

/// The `routing_key` of a PagerDuty body, read in one pass that builds
/// nothing else: the key is in the body, and an unknown one should be
/// refused before the whole body is parsed into a tree (several times the
/// body's size in memory). `None` when the body is not a JSON object with a
/// string `routing_key` (the whole parse then says what is wrong).
pub fn pagerduty_routing_key(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Keyed<'a> {
        #[serde(borrow)]
        routing_key: Option<std::borrow::Cow<'a, str>>,
    }
    // A derived struct takes an array too, its fields by position.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    fields::check_depth(body).ok()?;
    let keyed: Keyed<'_> = serde_json::from_slice(body).ok()?;
    keyed.routing_key.map(std::borrow::Cow::into_owned)
}

fn event(
    root: &Obj<'_>,
    now: Timestamp,
    fresh_dedup_key: &mut dyn FnMut() -> String,
) -> Result<PagerDutyEvent, FieldError> {
    let routing_key = root.req_str("routing_key")?;
    at_most("routing_key", routing_key, MAX_ROUTING_KEY_CHARS)?;
    let action_text = root.req_str("event_action")?;
    let action = EventAction::parse(action_text).ok_or_else(|| {
        FieldError::invalid(
            "event_action",
            format_args!("unknown value {action_text:?}; expected trigger, acknowledge or resolve"),
        )
    })?;
    let sent_dedup_key = root.opt_nonempty_str("dedup_key")?;
    if let Some(key) = sent_dedup_key {
        at_most("dedup_key", key, MAX_DEDUP_KEY_CHARS)?;
    }

    let (payload, extras) = if action == EventAction::Trigger {
        let payload = root
            .opt_obj("payload")?
            .ok_or_else(|| FieldError::missing("payload", "required for trigger events"))?;
        (Some(Payload::parse(&payload, now)?), Extras::parse(root)?)
    } else {
        // PagerDuty ignores these on acknowledge/resolve: use them only if valid.
        let payload = root.opt_obj("payload").ok().flatten();
        let payload = payload.and_then(|p| Payload::parse(&p, now).ok());
        (payload, Extras::parse(root).unwrap_or_default())
    };

    let (dedup_key, dedup_key_generated) = match (sent_dedup_key, action) {
        (Some(key), _) => (key.to_owned(), false),
        (None, EventAction::Trigger) => (fresh_dedup_key(), true),
        (None, other) => {
            return Err(FieldError::missing(
                "dedup_key",
                format_args!("required for {} events", other.as_str()),
            ));
        }
    };

    let mut labels = Labels::new();
    let mut annotations = Labels::new();
    let mut event = Event::trigger(dedup_key, String::new());
    event.source_kind = SourceKind::PagerDuty;
    event.action = action;
    match payload {
        Some(payload) => {
            labels.insert("source".into(), payload.source.clone());
            for (name, value) in [
                ("component", &payload.component),
                ("group", &payload.group),
                ("class", &payload.class),
            ] {
                if let Some(value) = value {
                    labels.insert(name.into(), value.clone());
                    annotations.insert(name.into(), value.clone());
                }
            }
            event.summary = payload.summary;
            event.source = Some(payload.source);
            event.severity = payload.severity;
            event.occurred_at = payload.timestamp;
            event.details = payload.custom_details;
        }
        None => {
            event.summary = format!("{} {}", action.as_str(), event.dedup_key);
            event.severity = Severity::Info;
        }
    }
    if let Some(client) = &extras.client {
        annotations.insert("client".into(), client.clone());
    }
    if let Some(client_url) = &extras.client_url {
        annotations.insert("client_url".into(), client_url.clone());
    }
    if let Some(images) = extras.images {
        event.details = json!({"custom_details": event.details, "images": images});
    }
    event.links = extras.links;
    event.links.extend(extras.image_links);
    if let Some(href) = extras.client_url {
        event.links.push(Link { href, text: extras.client });
    }
    event.labels = labels;
    event.annotations = annotations;
    Ok(PagerDutyEvent { routing_key: routing_key.to_owned(), event, dedup_key_generated })
}

/// The `payload` object of a trigger.
struct Payload {
    summary: String,
    source: String,
    severity: Severity,
    timestamp: Option<Timestamp>,
    component: Option<String>,
    group: Option<String>,
    class: Option<String>,
    custom_details: Value,
}

impl Payload {
    fn parse(payload: &Obj<'_>, now: Timestamp) -> Result<Self, FieldError> {
        let summary = payload.req_str("summary")?;
        at_most(&payload.path("summary"), summary, MAX_SUMMARY_CHARS)?;
        let source = payload.req_str("source")?;
        let severity_text = payload.req_str("severity")?;
        let severity = severity_text.parse::<Severity>().map_err(|_| {
            FieldError::invalid(
                &payload.path("severity"),
                format_args!(
                    "unknown value {severity_text:?}; expected critical, error, warning or info"
                ),
            )
        })?;
        let timestamp = match payload.opt_nonempty_str("timestamp")? {
            None => None,
            Some(text) => {
                let path = payload.path("timestamp");
                Some(not_in_future(&path, fields::timestamp(&path, text)?, now)?)
            }
        };
        let owned = |key: &str| -> Result<Option<String>, FieldError> {
            Ok(payload.opt_nonempty_str(key)?.map(str::to_owned))
        };
        Ok(Self {
            summary: summary.to_owned(),
            source: source.to_owned(),
            severity,
            timestamp,
            component: owned("component")?,
            group: owned("group")?,
            class: owned("class")?,
            custom_details: payload.get("custom_details").cloned().unwrap_or(Value::Null),
        })
    }
}

/// Top-level context besides the payload: links, images and the client.
#[derive(Default)]
struct Extras {
    links: Vec<Link>,
    /// The `images` array as sent, when non-empty.
    images: Option<Value>,
    image_links: Vec<Link>,
    client: Option<String>,
    client_url: Option<String>,
}

impl Extras {
    fn parse(root: &Obj<'_>) -> Result<Self, FieldError> {
        let links = fields::links(root, "links", false)?;
        let mut image_links = Vec::new();
        let images = match root.opt_array("images")? {
            None | Some([]) => None,
            Some(items) => {
                for (index, item) in items.iter().enumerate() {
                    let image = Obj::new(item, item_path("images", index))?;
                    image.req_str("src")?;
                    let alt = image.opt_nonempty_str("alt")?;
                    if let Some(href) = image.opt_nonempty_str("href")? {
                        image_links
                            .push(Link { href: href.to_owned(), text: alt.map(str::to_owned) });
                    }
                }
                Some(Value::Array(items.to_vec()))
            }
        };
        Ok(Self {
            links,
            images,
            image_links,
            client: root.opt_nonempty_str("client")?.map(str::to_owned),
            client_url: root.opt_nonempty_str("client_url")?.map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::constant(1_800_000_000, 0)
    }

    #[test]
    fn the_routing_key_is_read_without_the_rest() {
        let details = format!("[{}]", vec!["{\"a\":0}"; 10_000].join(","));
        let body = format!(
            "{{\"payload\": {{\"custom_details\": {details}}}, \"routing_key\": \"k\\u0031\"}}"
        );
        assert_eq!(pagerduty_routing_key(body.as_bytes()).as_deref(), Some("k1"));
        for body in [
            "{\"event_action\": \"trigger\"}",
            "{\"routing_key\": 7}",
            "[\"routing_key\"]",
            "{\"routing_key\": \"k\"",
            &format!("{}{}", "[".repeat(100), "]".repeat(100)),
        ] {
            assert_eq!(pagerduty_routing_key(body.as_bytes()), None, "{body}");
        }
    }

    #[test]
    fn fresh_key_is_requested_only_for_a_trigger_without_one() {
        let mut calls = 0;
        let mut fresh = || {
            calls += 1;
            "generated".to_owned()
        };
        let body = br#"{"routing_key":"k","event_action":"trigger",
            "payload":{"summary":"s","source":"h","severity":"info"}}"#;
        let parsed = parse_pagerduty(body, now(), &mut fresh);
        assert!(
            matches!(&parsed, Ok(p) if p.dedup_key_generated && p.event.dedup_key == "generated")
        );
        let body = br#"{"routing_key":"k","event_action":"resolve","dedup_key":"d"}"#;
        let parsed = parse_pagerduty(body, now(), &mut fresh);
        assert!(matches!(&parsed, Ok(p) if !p.dedup_key_generated && p.event.dedup_key == "d"));
        assert_eq!(calls, 1);
    }

    #[test]
    fn resolve_ignores_an_invalid_payload() {
        let body = br#"{"routing_key":"k","event_action":"resolve","dedup_key":"d",
            "payload":{"severity":"bogus"},"links":"not an array"}"#;
        let parsed = parse_pagerduty(body, now(), &mut String::new);
        let event = parsed.map(|p| p.event);
        assert!(matches!(&event, Ok(e) if e.action == EventAction::Resolve
            && e.summary == "resolve d" && e.links.is_empty()));
    }
}
