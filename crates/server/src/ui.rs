//! The NOC pages: server-rendered HTML, live over server-sent events, with
//! no JavaScript build step. One small inline script swaps in fresh HTML.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::{Incident, IncidentId, IncidentStatus, Timestamp};
use futures_util::Stream;
use serde_json::Value;
use sha2::{Digest, Sha256};
use store::{DeliveryStatus, IncidentFilter};

use crate::error::ApiError;
use crate::http::{SharedState, incident_id, store_error, token_matches};
use crate::writer::Command;

const COOKIE: &str = "watchfloor_session";
/// Pages refresh at least this often, so ages keep counting.
const REFRESH: Duration = Duration::from_secs(10);

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/", get(noc_page))
        .route("/incidents/{id}", get(detail_page))
        .route("/ui/events", get(noc_events))
        .route("/ui/incidents/{id}/events", get(detail_events))
        .route("/ui/incidents/{id}/acknowledge", post(ui_acknowledge))
        .route("/ui/incidents/{id}/resolve", post(ui_resolve))
        .route("/ui/incidents/{id}/notes", post(ui_note))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The session cookie holds a value derived from the admin token's digest,
/// never the token itself, so the server can check it without keeping the token.
fn session_value(token_sha256: &[u8; 32]) -> String {
    hex::encode(Sha256::digest(format!("watchfloor-ui-session:{}", hex::encode(token_sha256))))
}

fn signed_in(app: &SharedState, headers: &HeaderMap) -> bool {
    if app.demo {
        return true;
    }
    let expected = session_value(&app.admin_token_sha256);
    cookie(headers, COOKIE).is_some_and(|value| {
        value.len() == expected.len()
            && value.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    })
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

/// Forms are refused when a browser says they came from another site.
fn same_site(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("cross-site") => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            "cross-site form submissions are refused",
        )),
        _ => Ok(()),
    }
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Watchfloor</title><style>{STYLE}</style></head>
<body><header><a class="brand" href="/">Watchfloor</a><span class="live" id="live">● live</span></header>
<main>{body}</main></body></html>"#,
        title = escape(title),
    ))
}

const STYLE: &str = r#"
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#0f1419;color:#d8dee4}
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;background:#161c22;border-bottom:1px solid #2a323b}
.brand{font-weight:700;color:#fff;text-decoration:none;font-size:1.1rem}
.live{color:#3fb950;font-size:.8rem}.live.off{color:#8b949e}
main{padding:1rem}h1{font-size:1.2rem;margin:.2rem 0 1rem}h2{font-size:1rem;margin:1.4rem 0 .5rem}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #232a31;vertical-align:top}
th{color:#8b949e;font-weight:600;font-size:.8rem;text-transform:uppercase}
a{color:#58a6ff}.muted{color:#8b949e}.triage{border-left:3px solid #d29922;padding:.3em .8em;background:#1c1f26}
.p{display:inline-block;min-width:2.2em;text-align:center;border-radius:3px;font-weight:700;padding:0 .3em}
.p1{background:#da3633;color:#fff}.p2{background:#db6d28;color:#fff}.p3{background:#d29922;color:#000}.p4{background:#388bfd;color:#fff}.p5{background:#484f58;color:#fff}
.st-triggered{color:#ff7b72}.st-acknowledged{color:#d29922}.st-resolved{color:#3fb950}
form.inline{display:inline}button{background:#21262d;color:#d8dee4;border:1px solid #363b42;border-radius:4px;padding:.15rem .6rem;cursor:pointer}
button:hover{border-color:#8b949e}.summary{display:flex;gap:1.5rem;margin-bottom:1rem}.summary b{font-size:1.4rem;display:block}
.dead{color:#ff7b72}textarea{width:100%;max-width:40rem;background:#0d1117;color:#d8dee4;border:1px solid #363b42}
input{background:#0d1117;color:#d8dee4;border:1px solid #363b42;padding:.3rem}
"#;

/// Subscribes a region of the page to an SSE stream: each event replaces its HTML.
fn live_script(url: &str, region: &str) -> String {
    format!(
        r#"<script>
(function(){{var live=document.getElementById('live');var es=new EventSource('{url}');
es.addEventListener('{region}',function(e){{document.getElementById('{region}').innerHTML=e.data;}});
es.onopen=function(){{live.className='live';live.textContent='● live';}};
es.onerror=function(){{live.className='live off';live.textContent='○ reconnecting';}};}})();
</script>"#
    )
}

fn age(now: Timestamp, then: Timestamp) -> String {
    let seconds = now.duration_since(then).as_secs().max(0);
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h{}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d{}h", s / 86_400, (s % 86_400) / 3600),
    }
}

fn priority_badge(incident: &Incident) -> String {
    format!(
        r#"<span class="p p{}" title="{}">{}</span>"#,
        incident.priority.level(),
        escape(&incident.priority_reason),
        incident.priority
    )
}

fn action_buttons(incident: &Incident) -> String {
    let mut out = String::new();
    if incident.status == IncidentStatus::Triggered {
        let _ = write!(
            out,
            r#"<form class="inline" method="post" action="/ui/incidents/{id}/acknowledge"><button>Acknowledge</button></form> "#,
            id = incident.id
        );
    }
    if incident.status.is_open() {
        let _ = write!(
            out,
            r#"<form class="inline" method="post" action="/ui/incidents/{id}/resolve"><button>Resolve</button></form>"#,
            id = incident.id
        );
    }
    out
}

/// The live region of the NOC page: summary, open incidents, dead letters.
async fn noc_region(app: &SharedState) -> Result<String, ApiError> {
    let now = crate::writer::now();
    let filter = IncidentFilter {
        statuses: vec![IncidentStatus::Triggered, IncidentStatus::Acknowledged],
        tenant: None,
        limit: 500,
    };
    let mut incidents = app.store.list_incidents(&filter).await.map_err(store_error)?;
    incidents.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.created_at.cmp(&a.created_at)));
    let dead = app
        .store
        .list_deliveries(Some(DeliveryStatus::DeadLettered), 50)
        .await
        .map_err(store_error)?;

    let mut out = String::new();
    let count = |level: u8| incidents.iter().filter(|i| i.priority.level() == level).count();
    let triggered = incidents.iter().filter(|i| i.status == IncidentStatus::Triggered).count();
    let _ = write!(
        out,
        r#"<div class="summary"><div><b>{}</b>open</div><div><b class="st-triggered">{triggered}</b>unacknowledged</div>"#,
        incidents.len()
    );
    for level in 1..=5u8 {
        let _ = write!(
            out,
            r#"<div><b><span class="p p{level}">P{level}</span> {}</b></div>"#,
            count(level)
        );
    }
    let _ = write!(
        out,
        r#"<div><b class="{}">{}</b>dead-lettered notifications</div></div>"#,
        if dead.is_empty() { "muted" } else { "dead" },
        dead.len()
    );
    out.push_str(
        "<table><thead><tr><th>Priority</th><th>Tenant</th><th>Title</th><th>Service</th>\
         <th>Status</th><th>Alerts</th><th>Age</th><th></th></tr></thead><tbody>",
    );
    if incidents.is_empty() {
        out.push_str(r#"<tr><td colspan="8" class="muted">No open incidents.</td></tr>"#);
    }
    for incident in &incidents {
        let tenant = app
            .config
            .tenant(&incident.tenant)
            .map_or(incident.tenant.as_str(), |t| t.name.as_str());
        let _ = write!(
            out,
            r#"<tr id="incident-{id}"><td>{badge}</td><td>{tenant}</td><td><a href="/incidents/{id}">{title}</a></td><td>{service}</td><td class="st-{status}">{status}</td><td>{active}/{total}</td><td title="{created}">{age}</td><td>{actions}</td></tr>"#,
            id = incident.id,
            badge = priority_badge(incident),
            tenant = escape(tenant),
            title = escape(&incident.title),
            service = escape(incident.service.as_str()),
            status = incident.status.as_str(),
            active = incident.active_alert_count,
            total = incident.alert_count,
            created = incident.created_at,
            age = age(now, incident.created_at),
            actions = action_buttons(incident),
        );
    }
    out.push_str("</tbody></table>");
    if !dead.is_empty() {
        out.push_str(
            "<h2 class=\"dead\">Dead-lettered notifications</h2><table><thead><tr><th>Incident</th>\
             <th>Channel</th><th>Reason</th><th>Attempts</th><th>Last error</th><th>When</th></tr></thead><tbody>",
        );
        for d in &dead {
            let _ = write!(
                out,
                r#"<tr><td><a href="/incidents/{inc}">#{inc}</a></td><td>{channel}</td><td>{reason}</td><td>{attempts}</td><td>{error}</td><td>{when} ago</td></tr>"#,
                inc = d.incident_id,
                channel = escape(d.channel.as_str()),
                reason = d.reason.as_str(),
                attempts = d.attempts,
                error = escape(d.last_error.as_deref().unwrap_or("")),
                when = age(now, d.updated_at),
            );
        }
        out.push_str("</tbody></table>");
    }
    Ok(out)
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

async fn noc_page(
    State(app): State<SharedState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !signed_in(&app, &headers) {
        return Ok(to_login());
    }
    let region = noc_region(&app).await?;
    let demo = if app.demo {
        r#"<p class="muted">Demo mode: synthetic events from many tenants; the page needs no sign-in.</p>"#
    } else {
        ""
    };
    let body = format!(
        r#"<h1>Open incidents, all tenants</h1>{demo}<div id="noc">{region}</div>{}"#,
        live_script("/ui/events", "noc")
    );
    Ok(page("NOC", &body).into_response())
}

/// Why the incident did or did not page, and where its escalation and SLA
/// stand: the first thing a responder asks of a quiet incident.
fn triage_panel(document: &Value) -> String {
    let mut lines = Vec::new();
    if let Some(held) = document.get("held").and_then(Value::as_str) {
        lines.push(format!(r#"<strong>Not paged:</strong> {}"#, escape(held)));
    }
    if document.get("flapping").and_then(Value::as_bool) == Some(true) {
        lines.push("<strong>Flapping:</strong> its state changes no longer page".to_owned());
    }
    if let Some(escalation) = document.get("escalation").filter(|e| e.is_object()) {
        let field = |key: &str| escalation.get(key).map(ToString::to_string).unwrap_or_default();
        lines.push(format!(
            "<strong>Escalation:</strong> policy {} at tier {}, round {} (started {})",
            escape(escalation.get("policy").and_then(Value::as_str).unwrap_or("")),
            escape(&field("tier")),
            escape(&field("round")),
            escape(escalation.get("started_at").and_then(Value::as_str).unwrap_or("")),
        ));
    }
    let breached: Vec<&str> = document
        .get("sla_breached")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !breached.is_empty() {
        let missed = breached.join(" and ");
        lines.push(format!("<strong>SLA breached:</strong> {}", escape(&missed)));
    }
    let tags: Vec<&str> = document
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !tags.is_empty() {
        lines.push(format!("<strong>Tags:</strong> {}", escape(&tags.join(", "))));
    }
    if lines.is_empty() {
        return String::new();
    }
    format!(r#"<p class="triage">{}</p>"#, lines.join("<br>"))
}

fn detail_region(document: &Value) -> String {
    let text = |key: &str| document.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let number = |key: &str| document.get(key).and_then(Value::as_i64).unwrap_or(0);
    let mut out = String::new();
    let status = text("status");
    let _ = write!(
        out,
        r#"<h1><span class="p p{level}">{priority}</span> {title}</h1>
<p><span class="st-{status}">{status}</span> · tenant {tenant} · service {service} · {active}/{total} alerts active · {events} events</p>
<p class="muted">{reason}</p><p class="muted">opened {created}{ack}{res}</p>"#,
        level = text("priority").trim_start_matches('P'),
        priority = escape(&text("priority")),
        title = escape(&text("title")),
        status = escape(&status),
        tenant = escape(&text("tenant")),
        service = escape(&text("service")),
        active = number("active_alert_count"),
        total = number("alert_count"),
        events = number("event_count"),
        reason = escape(&text("priority_reason")),
        created = escape(&text("created_at")),
        ack = if text("acknowledged_at").is_empty() {
            String::new()
        } else {
            format!(
                " · acknowledged {} by {}",
                escape(&text("acknowledged_at")),
                escape(&text("acknowledged_by"))
            )
        },
        res = if text("resolved_at").is_empty() {
            String::new()
        } else {
            format!(
                " · resolved {} by {}",
                escape(&text("resolved_at")),
                escape(&text("resolved_by"))
            )
        },
    );
    out.push_str(&triage_panel(document));
    let id = number("id");
    if status != "resolved" {
        let _ = write!(out, r#"<p>"#);
        if status == "triggered" {
            let _ = write!(
                out,
                r#"<form class="inline" method="post" action="/ui/incidents/{id}/acknowledge"><button>Acknowledge</button></form> "#
            );
        }
        let _ = write!(
            out,
            r#"<form class="inline" method="post" action="/ui/incidents/{id}/resolve"><button>Resolve</button></form></p>"#
        );
    }
    out.push_str("<h2>Alerts</h2><table><thead><tr><th>Status</th><th>Severity</th><th>Summary</th><th>Source</th><th>Labels</th><th>Events</th><th>Last seen</th></tr></thead><tbody>");
    for alert in document.get("alerts").and_then(Value::as_array).into_iter().flatten() {
        let field = |key: &str| alert.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
        let labels = alert
            .get("labels")
            .and_then(Value::as_object)
            .map(|labels| {
                labels
                    .iter()
                    .map(|(k, v)| format!("{}={}", k, v.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<tr><td class="st-{status}">{status}</td><td>{severity}</td><td>{summary}</td><td>{source}</td><td class="muted">{labels}</td><td>{events}</td><td>{last}</td></tr>"#,
            status = escape(&field("status")),
            severity = escape(&field("severity")),
            summary = escape(&field("summary")),
            source = escape(&field("source")),
            labels = escape(&labels),
            events = alert.get("event_count").and_then(Value::as_i64).unwrap_or(0),
            last = escape(&field("last_seen")),
        );
    }
    out.push_str("</tbody></table><h2>Timeline</h2><table><thead><tr><th>When</th><th>What</th><th>Who</th><th></th></tr></thead><tbody>");
    for entry in document.get("timeline").and_then(Value::as_array).into_iter().flatten() {
        let field = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
        let _ = write!(
            out,
            r#"<tr><td>{at}</td><td>{kind}</td><td class="muted">{actor}</td><td>{message}</td></tr>"#,
            at = escape(&field("at")),
            kind = escape(&field("kind")),
            actor = escape(&field("actor")),
            message = escape(&field("message")),
        );
    }
    out.push_str("</tbody></table>");
    out
}

async fn detail_page(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    if !signed_in(&app, &headers) {
        return Ok(to_login());
    }
    let id = incident_id(path)?;
    let document = crate::http::incident_document(&app, id).await?;
    let body = format!(
        r#"<p><a href="/">← all incidents</a></p><div id="detail">{}</div>
<h2>Add a note</h2><form method="post" action="/ui/incidents/{id}/notes"><textarea name="text" rows="3" required></textarea><br><button>Add note</button></form>{}"#,
        detail_region(&document),
        live_script(&format!("/ui/incidents/{id}/events"), "detail"),
    );
    Ok(page(&format!("Incident {id}"), &body).into_response())
}

/// A stream that renders `render` now, after every change, and every [`REFRESH`].
fn live_stream<F, Fut>(
    app: SharedState,
    name: &'static str,
    render: F,
) -> impl Stream<Item = Result<SseEvent, Infallible>>
where
    F: Fn(SharedState) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Option<String>> + Send,
{
    let changes = app.signals.changed.subscribe();
    futures_util::stream::unfold((app, changes, true), move |(app, mut changes, first)| {
        let render = render.clone();
        async move {
            if !first {
                let _ = tokio::time::timeout(REFRESH, changes.recv()).await;
                // Coalesce a burst of changes into one render.
                tokio::time::sleep(Duration::from_millis(200)).await;
                while changes.try_recv().is_ok() {}
            }
            let html = render(app.clone()).await?;
            Some((Ok(SseEvent::default().event(name).data(html)), (app, changes, false)))
        }
    })
}

async fn noc_events(State(app): State<SharedState>, headers: HeaderMap) -> Response {
    if !signed_in(&app, &headers) {
        return ApiError::unauthorized().into_response();
    }
    let stream = live_stream(app, "noc", |app| async move { noc_region(&app).await.ok() });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

async fn detail_events(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    if !signed_in(&app, &headers) {
        return ApiError::unauthorized().into_response();
    }
    let id = match incident_id(path) {
        Ok(id) => id,
        Err(error) => return error.into_response(),
    };
    let stream = live_stream(app, "detail", move |app| async move {
        let document = crate::http::incident_document(&app, id).await.ok()?;
        Some(detail_region(&document))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

fn back_to(headers: &HeaderMap, id: IncidentId) -> Response {
    let from_detail = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|r| r.contains("/incidents/"));
    let target = if from_detail { format!("/incidents/{id}") } else { "/".to_owned() };
    Redirect::to(&target).into_response()
}

fn ui_actor(app: &SharedState) -> String {
    if app.demo { "user:demo".to_owned() } else { "user:admin".to_owned() }
}

/// Acknowledge or resolve from a page form, then back to where the form was.
async fn ui_command(
    app: &SharedState,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    command: fn(IncidentId, String) -> Command,
) -> Result<Response, ApiError> {
    if !signed_in(app, headers) {
        return Ok(to_login());
    }
    same_site(headers)?;
    let id = incident_id(path)?;
    crate::http::incident_command(app, id, command(id, ui_actor(app))).await?;
    Ok(back_to(headers, id))
}

async fn ui_acknowledge(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    ui_command(&app, &headers, path, |incident, actor| Command::Acknowledge { incident, actor })
        .await
}

async fn ui_resolve(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    ui_command(&app, &headers, path, |incident, actor| Command::Resolve { incident, actor }).await
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

async fn ui_note(
    State(app): State<SharedState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    if !signed_in(&app, &headers) {
        return Ok(to_login());
    }
    same_site(&headers)?;
    let id = incident_id(path)?;
    let bytes = app.read_body(body).await?;
    let text = form_field(&bytes, "text").unwrap_or_default();
    crate::http::note_command(&app, id, ui_actor(&app), text).await?;
    Ok(Redirect::to(&format!("/incidents/{id}")).into_response())
}

async fn login_page(
    State(app): State<SharedState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    // `serve` prints a sign-in link carrying the token once; accept it here.
    let token = query.as_deref().and_then(|q| form_field(q.as_bytes(), "token"));
    if let Some(token) = token {
        return sign_in(&app, &token);
    }
    page(
        "Sign in",
        r#"<h1>Sign in</h1><form method="post" action="/login"><p>Admin token (printed by <code>watchfloor serve</code>, or <code>WATCHFLOOR_ADMIN_TOKEN</code>):</p>
<input type="password" name="token" size="50" autofocus required> <button>Sign in</button></form>"#,
    )
    .into_response()
}

fn sign_in(app: &SharedState, token: &str) -> Response {
    if !token_matches(app, token) {
        return (StatusCode::UNAUTHORIZED, page("Sign in", "<h1>Sign in</h1><p class=\"dead\">That token is not valid.</p><p><a href=\"/login\">Try again</a></p>")).into_response();
    }
    let cookie = format!(
        "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
        session_value(&app.admin_token_sha256)
    );
    let mut response = Redirect::to("/").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn login(State(app): State<SharedState>, body: Body) -> Result<Response, ApiError> {
    let bytes = app.read_body(body).await?;
    let token = form_field(&bytes, "token").unwrap_or_default();
    Ok(sign_in(&app, &token))
}

async fn logout() -> Response {
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("watchfloor_session=; Max-Age=0; Path=/"),
    );
    response
}
