//! Grafana unified alerting's webhook contact point (`POST /hooks/grafana/{key}`): Alertmanager's body plus Grafana's own fields.
//!
//! The body is Alertmanager's webhook with `"version": "1"` and Grafana's
//! additions: top-level `orgId`, `state`, `title`, `message`, and per alert
//! `fingerprint`, `silenceURL`, `dashboardURL`, `panelURL`, `values`,
//! `valueString`. Per alert, as the Alertmanager webhook
//! ([`crate::parse_alertmanager_webhook`]) maps it — `status` `firing` →
//! `trigger`, `resolved` → `resolve`; `dedup_key` = `fingerprint` (else the
//! label fingerprint); summary from the `summary`/`description` annotations
//! or `alertname`; severity from the `severity` label, default `warning` —
//! plus:
//! - `links`: `generatorURL` ("Alert rule"; a relative one, as Grafana 12
//!   test alerts send, is joined to `externalURL`), `dashboardURL`
//!   ("Dashboard"), `panelURL` ("Panel"), `silenceURL` ("Silence"), empty
//!   ones skipped;
//! - `details`: `{"values": …, "valueString": …}` as sent;
//! - annotations `grafana_org_id` (the alert's `orgId`, else the body's) and
//!   `grafana_title` (the notification's `title`).
//!
//! A legacy (pre-8 dashboard alerting) body and an Alertmanager webhook
//! (version 4) are rejected as the wrong kind. At most [`crate::MAX_BATCH`]
//! alerts, atomic.

use domain::event::label_fingerprint;
use domain::{Event, EventAction, Link, SourceKind, Timestamp};
use serde_json::{Value, json};

use crate::alertmanager::{Alert, to_event};
use crate::aws::put;
use crate::error::{FieldError, IngestError};
use crate::fields::{self, Obj, kind_of};
use crate::kind::{Kind, wrong_kind};

/// Parses a Grafana unified-alerting webhook; see the [module docs](self).
pub fn parse_grafana(body: &[u8], now: Timestamp) -> Result<Vec<Event>, IngestError> {
    let expected = "a Grafana unified alerting webhook (version \"1\" with alerts)";
    let value = fields::parse_nonempty_body(body, expected)?;
    let root = match Obj::new(&value, "") {
        Ok(root) => root,
        Err(error) => return Err(wrong_kind(&value, &[Kind::Grafana], expected, error.into())),
    };
    if root.get("alerts").is_none() {
        let missing = FieldError::missing(
            "alerts",
            format_args!("required field is missing; expected {expected}"),
        );
        return Err(wrong_kind(&value, &[Kind::Grafana], expected, missing.into()));
    }
    match root.opt_str("version")? {
        Some("1") => {}
        Some("4") => {
            return Err(wrong_kind(
                &value,
                &[Kind::Grafana],
                expected,
                FieldError::invalid(
                    "version",
                    "\"4\" is an Alertmanager webhook; send it to the Alertmanager endpoint",
                )
                .into(),
            ));
        }
        Some(other) => {
            return Err(FieldError::invalid(
                "version",
                format_args!("unsupported Grafana webhook version {other:?}; expected \"1\""),
            )
            .into());
        }
        None => {
            return Err(FieldError::missing(
                "version",
                "required field is missing; expected \"1\" (a Grafana unified alerting webhook)",
            )
            .into());
        }
    }
    let items = root.req_array("alerts")?;
    let external_url = root.opt_nonempty_str("externalURL")?;
    let title = root.opt_nonempty_str("title")?;
    let org_id = org_id_of(&root)?;
    fields::batch(items, "alerts", |path, item| {
        let alert = Obj::new(item, path)?;
        let action = match alert.opt_str("status")? {
            None | Some("firing") => EventAction::Trigger,
            Some("resolved") => EventAction::Resolve,
            Some(other) => {
                return Err(FieldError::invalid(
                    &alert.path("status"),
                    format_args!("unknown value {other:?}; expected firing or resolved"),
                ));
            }
        };
        let fingerprint = alert.opt_nonempty_str("fingerprint")?.map(str::to_owned);
        let mut parsed = Alert::parse(&alert, now, false)?;
        let generator_url = parsed.generator_url.take();
        let dedup_key = fingerprint.unwrap_or_else(|| label_fingerprint(&parsed.labels));
        let mut event = to_event(parsed, SourceKind::Grafana, action, dedup_key, None);

        let mut links = Vec::new();
        if let Some(href) = generator_url {
            links.push(link(absolute(&href, external_url), "Alert rule"));
        }
        for (key, text) in
            [("dashboardURL", "Dashboard"), ("panelURL", "Panel"), ("silenceURL", "Silence")]
        {
            if let Some(href) = alert.opt_nonempty_str(key)? {
                links.push(link(absolute(href, external_url), text));
            }
        }
        event.links = links;
        let alert_org = org_id_of(&alert)?;
        put(&mut event.annotations, "grafana_org_id", alert_org.as_deref().or(org_id.as_deref()));
        put(&mut event.annotations, "grafana_title", title);
        let values = alert.get("values").cloned().unwrap_or(Value::Null);
        let value_string = alert.opt_str("valueString")?;
        event.details = json!({"values": values, "valueString": value_string});
        Ok(event)
    })
}

fn link(href: String, text: &str) -> Link {
    Link { href, text: Some(text.to_owned()) }
}

/// `href` as is when absolute, else joined to Grafana's `externalURL`.
fn absolute(href: &str, external_url: Option<&str>) -> String {
    let is_absolute = href.starts_with("http://") || href.starts_with("https://");
    match external_url {
        Some(base) if !is_absolute => {
            format!("{}/{}", base.trim_end_matches('/'), href.trim_start_matches('/'))
        }
        _ => href.to_owned(),
    }
}

/// `orgId`: Grafana sends a number; a string is accepted too.
fn org_id_of(obj: &Obj<'_>) -> Result<Option<String>, FieldError> {
    match obj.get("orgId") {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(FieldError::invalid(
            &obj.path("orgId"),
            format_args!("expected a number, found {}", kind_of(other)),
        )),
    }
}
