//! `POST /hooks/sns/{key}` (Amazon SNS over HTTP(S): signatures, subscriptions, raw delivery) and `GET /api/v1/sns/subscriptions`.
//!
//! A delivery is handled in this order:
//!
//! 1. The key must name an integration of kind `sns` (401 otherwise).
//! 2. Raw message delivery (`x-amz-sns-rawdelivery: true`) has no envelope
//!    and so nothing to verify: it is refused (403) unless the integration
//!    says `sns.raw_delivery: true`, and then parsed as the bare message.
//! 3. Otherwise the envelope is parsed ([`ingest::parse_sns`]; the
//!    `x-amz-sns-message-type` header must agree with the body's `Type`):
//!    anything malformed, truncated or of another kind is a 400.
//! 4. Unless the integration says `sns.verify_signatures: false` (which
//!    [`SnsHooks::new`] warns about at start-up), the signature must verify
//!    (403 `signature_invalid` otherwise, nothing stored): `SigningCertURL`
//!    must be an HTTPS URL on an SNS host, and the certificate is either one
//!    the operator pinned (`sns.pinned_certificates`, never fetched) or the
//!    one that URL names, fetched over HTTPS without redirects and cached in
//!    memory by URL. A certificate that cannot be fetched is a 502, so SNS
//!    retries.
//! 5. A `Notification` goes through the engine loop like every other hook:
//!    202 only once its events are committed. A `SubscriptionConfirmation`
//!    is confirmed by a GET of its `SubscribeURL` only when that is an HTTPS
//!    URL on an SNS host or its host is in `sns.confirm_hosts`; a
//!    `SubscriptionConfirmation` is never confirmed otherwise (403) and an
//!    `UnsubscribeConfirmation` never re-subscribes. Each is recorded in the
//!    audit log (action `sns.subscription_confirmation` or
//!    `sns.unsubscribe_confirmation`, target `sns-topic:<TopicArn>`), which
//!    `GET /api/v1/sns/subscriptions` reads.
//!
//! Audit entries are committed here directly: they change no incident or
//! alert, and the store serialises appends to the audit chain.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{Config, Integration, IntegrationKind, SourceKind, TenantId, Timestamp};
use ingest::{CloudWatchOptions, SnsMessage, SnsParsed, SnsRawHeaders};
use serde_json::{Value, json};
use store::{AuditEntry, CommitBatch};

use crate::error::ApiError;
use crate::http::{QueryMap, SharedState, query_params, require_admin, store_error, ts};

/// Fetched signing certificates kept in memory; past this many the cache starts over.
const MAX_CACHED_CERTIFICATES: usize = 64;
/// A signing certificate larger than this is not one.
const MAX_CERTIFICATE_BYTES: usize = 64 * 1024;
/// How much of a confirmation answer is read (SNS answers with a short XML document).
const MAX_CONFIRMATION_BYTES: usize = 64 * 1024;
/// Timeout of each certificate fetch and confirmation GET.
const OUTBOUND_TIMEOUT: Duration = Duration::from_secs(10);
/// How many of the newest audit records `GET /api/v1/sns/subscriptions` looks through.
const AUDIT_SCAN: i64 = 100_000;
const SUBSCRIBE_ACTION: &str = "sns.subscription_confirmation";
const UNSUBSCRIBE_ACTION: &str = "sns.unsubscribe_confirmation";

/// What the SNS endpoint knows at run time: each SNS integration's settings
/// (pinned certificates read and checked), the certificate cache and the
/// HTTP clients for certificates and confirmations.
pub struct SnsHooks {
    /// By the integration's index in `Config::integrations`.
    endpoints: HashMap<usize, SnsEndpoint>,
    certificates: CertificateCache,
    certificate_client: reqwest::Client,
    confirm_client: reqwest::Client,
}

/// One SNS integration's settings, ready to use.
struct SnsEndpoint {
    verify_signatures: bool,
    /// PEM texts; when any, nothing is fetched.
    pinned_certificates: Vec<Vec<u8>>,
    confirm_hosts: Vec<String>,
    raw_delivery: bool,
    max_message_age: Duration,
    options: CloudWatchOptions,
}

impl SnsEndpoint {
    fn from_settings(settings: &config::SnsSettings, pinned_certificates: Vec<Vec<u8>>) -> Self {
        Self {
            verify_signatures: settings.verify_signatures,
            pinned_certificates,
            confirm_hosts: settings.confirm_hosts.clone(),
            raw_delivery: settings.raw_delivery,
            max_message_age: settings.max_message_age,
            options: CloudWatchOptions {
                alarm_severity: settings.alarm_severity,
                insufficient_data: settings.insufficient_data,
            },
        }
    }
}

/// Why the SNS endpoint could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SnsSetupError {
    #[error("integrations[{index}] (sns): pinned certificate {path}: {reason}")]
    PinnedCertificate { index: usize, path: String, reason: String },
    #[error("cannot build the HTTP client for SNS: {0}")]
    Client(String),
}

impl SnsHooks {
    /// Reads and checks every SNS integration's pinned certificates, and
    /// warns (once, here) about each integration that does not verify signatures.
    pub fn new(
        config: &Config,
        settings: &config::IntegrationSettings,
    ) -> Result<Self, SnsSetupError> {
        let now = crate::writer::now();
        let mut endpoints = HashMap::new();
        for (index, integration) in config.integrations.iter().enumerate() {
            if integration.kind != IntegrationKind::Sns {
                continue;
            }
            let sns = settings.get(index).map(|o| o.sns.clone()).unwrap_or_default();
            let mut pinned = Vec::new();
            for path in &sns.pinned_certificates {
                let failed = |reason: String| SnsSetupError::PinnedCertificate {
                    index,
                    path: path.display().to_string(),
                    reason,
                };
                let pem = std::fs::read(path).map_err(|e| failed(format!("cannot read: {e}")))?;
                let validity =
                    ingest::check_signing_certificate(&pem).map_err(|e| failed(e.to_string()))?;
                if now < validity.not_before || now > validity.not_after {
                    tracing::warn!(
                        integration = index,
                        tenant = %integration.tenant,
                        service = %integration.service,
                        certificate = %path.display(),
                        not_before = %validity.not_before,
                        not_after = %validity.not_after,
                        "a pinned SNS signing certificate is not valid now: messages signed with it will be refused"
                    );
                }
                pinned.push(pem);
            }
            if !sns.verify_signatures {
                tracing::warn!(
                    integration = index,
                    tenant = %integration.tenant,
                    service = %integration.service,
                    "SNS signature verification is OFF for this integration (sns.verify_signatures: false): \
                     anyone who knows its URL can post forged messages"
                );
            }
            if sns.raw_delivery {
                tracing::info!(
                    integration = index,
                    tenant = %integration.tenant,
                    service = %integration.service,
                    "SNS raw message delivery is accepted on this integration; raw deliveries carry no signature"
                );
            }
            endpoints.insert(index, SnsEndpoint::from_settings(&sns, pinned));
        }
        let client = |https_only: bool| {
            reqwest::Client::builder()
                .timeout(OUTBOUND_TIMEOUT)
                .connect_timeout(OUTBOUND_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .https_only(https_only)
                .user_agent(concat!("watchfloor/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| SnsSetupError::Client(e.to_string()))
        };
        Ok(Self {
            endpoints,
            certificates: CertificateCache::default(),
            certificate_client: client(true)?,
            confirm_client: client(false)?,
        })
    }

    fn endpoint(&self, index: usize) -> Option<&SnsEndpoint> {
        self.endpoints.get(&index)
    }

    /// Checks the message's signature with a pinned certificate or the one
    /// its `SigningCertURL` names; see the module docs.
    async fn verify(
        &self,
        endpoint: &SnsEndpoint,
        message: &SnsMessage,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        ingest::check_signing_cert_url(&message.signing_cert_url).map_err(signature_invalid)?;
        if !endpoint.pinned_certificates.is_empty() {
            let mut problems: Vec<String> = Vec::new();
            for pem in &endpoint.pinned_certificates {
                match ingest::verify_sns_signature(message, pem, now, endpoint.max_message_age) {
                    Ok(()) => return Ok(()),
                    Err(error) => {
                        let text = error.to_string();
                        if !problems.contains(&text) {
                            problems.push(text);
                        }
                    }
                }
            }
            let message = match problems.as_slice() {
                [one] => one.clone(),
                many => format!("no pinned certificate verifies the message: {}", many.join("; ")),
            };
            return Err(ApiError::new(StatusCode::FORBIDDEN, "signature_invalid", message));
        }
        let url = message.signing_cert_url.clone();
        let client = self.certificate_client.clone();
        let pem = self
            .certificates
            .get_or_fetch(&url, || fetch_certificate(client, url.clone()))
            .await
            .map_err(|reason| {
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "certificate_unavailable",
                    format!("cannot fetch the signing certificate {url}: {reason}"),
                )
            })?;
        ingest::verify_sns_signature(message, &pem, now, endpoint.max_message_age)
            .map_err(signature_invalid)
    }
}

fn signature_invalid(error: ingest::SnsVerifyError) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "signature_invalid", error.to_string())
}

/// Fetched signing certificates by URL. Bounded: when full it starts over.
#[derive(Default)]
pub(crate) struct CertificateCache {
    entries: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl CertificateCache {
    /// The cached certificate for `url`, or what `fetch` returns (cached when it succeeds).
    pub(crate) async fn get_or_fetch<F, Fut>(
        &self,
        url: &str,
        fetch: F,
    ) -> Result<Arc<Vec<u8>>, String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<u8>, String>>,
    {
        if let Some(found) = self.entries.lock().ok().and_then(|e| e.get(url).cloned()) {
            return Ok(found);
        }
        let pem = Arc::new(fetch().await?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_CACHED_CERTIFICATES {
                entries.clear();
            }
            entries.insert(url.to_owned(), Arc::clone(&pem));
        }
        Ok(pem)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or_default()
    }
}

/// GETs a signing certificate (the URL was checked: HTTPS on an SNS host) and checks it parses.
async fn fetch_certificate(client: reqwest::Client, url: String) -> Result<Vec<u8>, String> {
    let response = client.get(&url).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    let pem = read_limited(response, MAX_CERTIFICATE_BYTES).await?;
    ingest::check_signing_certificate(&pem).map_err(|e| e.to_string())?;
    Ok(pem)
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > limit {
            return Err(format!("the answer is larger than {limit} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether `url` may be fetched to confirm a subscription: an HTTPS URL on
/// an SNS host, or an http(s) URL whose host (or host:port) the operator
/// listed. The error says why not.
pub(crate) fn may_confirm(url: &str, confirm_hosts: &[String]) -> Result<(), String> {
    if ingest::check_sns_url(url).is_ok() {
        return Ok(());
    }
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("SubscribeURL is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("SubscribeURL has the scheme {:?}, not https", parsed.scheme()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("SubscribeURL carries user info".to_owned());
    }
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let with_port = parsed.port_or_known_default().map(|port| format!("{host}:{port}"));
    if confirm_hosts.iter().any(|allowed| *allowed == host || Some(allowed) == with_port.as_ref()) {
        return Ok(());
    }
    Err(format!(
        "the host of SubscribeURL ({host}) is not an Amazon SNS endpoint reached over HTTPS \
         (sns.<region>.amazonaws.com) and is not in this integration's sns.confirm_hosts"
    ))
}

/// The host (and port) of a URL, for the record; never its query (it holds the token).
fn url_host(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_owned();
    Some(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// `<SubscriptionArn>…</SubscriptionArn>` of SNS's confirmation answer, if present.
fn subscription_arn(answer: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(answer).ok()?;
    let start = text.find("<SubscriptionArn>")? + "<SubscriptionArn>".len();
    let end = start + text[start..].find("</SubscriptionArn>")?;
    let arn = text[start..end].trim();
    (!arn.is_empty() && arn.len() <= 2048).then(|| arn.to_owned())
}

/// A header as text; one that is not visible ASCII is a 400.
fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value.to_str().map(Some).map_err(|_| {
            ApiError::bad_request("invalid_header", format!("header {name} is not visible ASCII"))
        }),
    }
}

/// What a successful delivery led to.
enum Outcome {
    Ingested(usize),
    Confirmed { topic_arn: String, subscription_arn: Option<String> },
    Unsubscribed { topic_arn: String },
}

/// `POST /hooks/sns/{key}`.
pub(crate) async fn hook(
    State(app): State<SharedState>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let received = Instant::now();
    let result = async {
        let Path(key) = path.map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))?;
        let (index, integration) = app.integration_at(&key, IntegrationKind::Sns)?;
        let endpoint = app.sns.endpoint(index).ok_or_else(ApiError::unknown_integration)?;
        let bytes = app.read_body(body).await?;
        let now = crate::writer::now();
        let raw = header(&headers, "x-amz-sns-rawdelivery")?
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"));
        if raw {
            if !endpoint.raw_delivery {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "raw_delivery_refused",
                    "raw message delivery carries no signature to verify; this integration \
                     accepts it only with sns.raw_delivery: true (or turn raw message delivery \
                     off on the subscription)",
                ));
            }
            let raw_headers = SnsRawHeaders {
                message_id: header(&headers, "x-amz-sns-message-id")?,
                topic_arn: header(&headers, "x-amz-sns-topic-arn")?,
            };
            let events = ingest::parse_sns_raw(&raw_headers, &bytes, now, &endpoint.options)
                .map_err(ApiError::from_ingest)?;
            let count = app.ingest(integration, SourceKind::Sns, &bytes, events, received).await?;
            return Ok(Outcome::Ingested(count));
        }
        let message_type = header(&headers, "x-amz-sns-message-type")?;
        let parsed = ingest::parse_sns(message_type, &bytes, now, &endpoint.options)
            .map_err(ApiError::from_ingest)?;
        if endpoint.verify_signatures {
            app.sns.verify(endpoint, parsed.message(), now).await?;
        }
        let verified = endpoint.verify_signatures;
        match parsed {
            SnsParsed::Notification { events, .. } => {
                let count =
                    app.ingest(integration, SourceKind::Sns, &bytes, events, received).await?;
                Ok(Outcome::Ingested(count))
            }
            SnsParsed::SubscriptionConfirmation { topic_arn, subscribe_url, message, .. } => {
                confirm(&app, integration, endpoint, &message, &topic_arn, &subscribe_url, verified)
                    .await
            }
            SnsParsed::UnsubscribeConfirmation { topic_arn, subscribe_url, message, .. } => {
                let detail = json!({
                    "status": "unsubscribed",
                    "topic_arn": topic_arn,
                    "service": integration.service.as_str(),
                    "message_id": message.message_id,
                    "sent_at": message.timestamp,
                    "signature_verified": verified,
                    "subscribe_host": url_host(&subscribe_url),
                    "reason": "the subscription was deleted; Watchfloor never re-subscribes on its own",
                });
                record(&app, &integration.tenant, UNSUBSCRIBE_ACTION, &topic_arn, detail).await?;
                tracing::warn!(
                    tenant = %integration.tenant,
                    service = %integration.service,
                    topic_arn,
                    "SNS subscription deleted (UnsubscribeConfirmation recorded; not re-subscribed)"
                );
                Ok(Outcome::Unsubscribed { topic_arn })
            }
        }
    }
    .await;
    match result {
        Ok(Outcome::Ingested(count)) => {
            Ok((StatusCode::ACCEPTED, Json(json!({"status": "success", "events": count})))
                .into_response())
        }
        Ok(Outcome::Confirmed { topic_arn, subscription_arn }) => Ok(Json(json!({
            "status": "confirmed",
            "topic_arn": topic_arn,
            "subscription_arn": subscription_arn,
        }))
        .into_response()),
        Ok(Outcome::Unsubscribed { topic_arn }) => Ok(Json(json!({
            "status": "unsubscribed",
            "topic_arn": topic_arn,
            "resubscribed": false,
        }))
        .into_response()),
        Err(error) => {
            app.rejected(SourceKind::Sns, &error);
            Err(error)
        }
    }
}

/// Confirms a subscription when its URL may be fetched, and records what happened either way.
async fn confirm(
    app: &SharedState,
    integration: &Integration,
    endpoint: &SnsEndpoint,
    message: &SnsMessage,
    topic_arn: &str,
    subscribe_url: &str,
    verified: bool,
) -> Result<Outcome, ApiError> {
    let mut detail = json!({
        "topic_arn": topic_arn,
        "service": integration.service.as_str(),
        "message_id": message.message_id,
        "sent_at": message.timestamp,
        "signature_verified": verified,
        "subscribe_host": url_host(subscribe_url),
    });
    if let Err(reason) = may_confirm(subscribe_url, &endpoint.confirm_hosts) {
        detail["status"] = json!("not_confirmed");
        detail["reason"] = json!(reason);
        record(app, &integration.tenant, SUBSCRIBE_ACTION, topic_arn, detail).await?;
        tracing::warn!(
            tenant = %integration.tenant,
            service = %integration.service,
            topic_arn,
            reason,
            "SNS subscription not confirmed"
        );
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "subscribe_url_not_allowed",
            format!("the subscription was recorded but not confirmed: {reason}"),
        ));
    }
    let answer = match app.sns.confirm_client.get(subscribe_url).send().await {
        Ok(response) if response.status().is_success() => {
            read_limited(response, MAX_CONFIRMATION_BYTES).await
        }
        Ok(response) => Err(format!("the confirmation URL answered {}", response.status())),
        Err(error) => Err(format!("the confirmation request failed: {error}")),
    };
    match answer {
        Ok(body) => {
            let arn = subscription_arn(&body);
            detail["status"] = json!("confirmed");
            detail["subscription_arn"] = json!(arn);
            record(app, &integration.tenant, SUBSCRIBE_ACTION, topic_arn, detail).await?;
            tracing::info!(
                tenant = %integration.tenant,
                service = %integration.service,
                topic_arn,
                "SNS subscription confirmed"
            );
            Ok(Outcome::Confirmed { topic_arn: topic_arn.to_owned(), subscription_arn: arn })
        }
        Err(reason) => {
            detail["status"] = json!("confirmation_failed");
            detail["reason"] = json!(reason);
            record(app, &integration.tenant, SUBSCRIBE_ACTION, topic_arn, detail).await?;
            Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "subscription_confirmation_failed",
                format!("confirming the subscription failed (SNS will resend it): {reason}"),
            ))
        }
    }
}

/// Appends one SNS subscription record to the audit log.
async fn record(
    app: &SharedState,
    tenant: &TenantId,
    action: &str,
    topic_arn: &str,
    detail: Value,
) -> Result<(), ApiError> {
    let entry = AuditEntry {
        at: crate::writer::now(),
        actor: "sns".to_owned(),
        action: action.to_owned(),
        tenant: Some(tenant.clone()),
        target: format!("sns-topic:{topic_arn}"),
        detail,
    };
    let batch = CommitBatch { audit: vec![entry], ..CommitBatch::default() };
    app.store.commit(&batch).await.map_err(store_error)
}

/// `GET /api/v1/sns/subscriptions[?tenant=ID&limit=N]`: the latest state of
/// each SNS subscription (tenant, service and topic) and the history of
/// confirmations and unsubscriptions, newest first.
pub(crate) async fn subscriptions(
    State(app): State<SharedState>,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&app, &headers)?;
    let params = query_params(query, &["tenant", "limit"])?;
    let tenant = match params.get("tenant") {
        None => None,
        Some(raw) => Some(
            TenantId::parse(raw)
                .map_err(|e| ApiError::bad_request("invalid_query", format!("tenant: {e}")))?,
        ),
    };
    let limit = match params.get("limit") {
        None => 500,
        Some(raw) => {
            raw.parse::<usize>().ok().filter(|n| (1..=10_000).contains(n)).ok_or_else(|| {
                ApiError::bad_request("invalid_query", format!("limit {raw:?} must be 1..=10000"))
            })?
        }
    };
    let records = app.store.audit_log(AUDIT_SCAN).await.map_err(store_error)?;
    let mut history = Vec::new();
    let mut latest: Vec<Value> = Vec::new();
    for record in records.iter().filter(|r| r.entry.action.starts_with("sns.")) {
        let entry = &record.entry;
        if tenant.as_ref().is_some_and(|t| entry.tenant.as_ref() != Some(t)) {
            continue;
        }
        let kind = match entry.action.as_str() {
            SUBSCRIBE_ACTION => "SubscriptionConfirmation",
            UNSUBSCRIBE_ACTION => "UnsubscribeConfirmation",
            _ => continue,
        };
        let field = |name: &str| entry.detail.get(name).cloned().unwrap_or(Value::Null);
        let status = field("status");
        let item = json!({
            "seq": record.seq,
            "at": ts(entry.at),
            "tenant": entry.tenant.as_ref().map(|t| t.as_str()),
            "service": field("service"),
            "topic_arn": field("topic_arn"),
            "type": kind,
            "status": status,
            "confirmed": status == "confirmed",
            "subscription_arn": field("subscription_arn"),
            "subscribe_host": field("subscribe_host"),
            "message_id": field("message_id"),
            "signature_verified": field("signature_verified"),
            "reason": field("reason"),
        });
        let same = |other: &Value| {
            other["tenant"] == item["tenant"]
                && other["service"] == item["service"]
                && other["topic_arn"] == item["topic_arn"]
        };
        if !latest.iter().any(same) {
            latest.push(item.clone());
        }
        if history.len() < limit {
            history.push(item);
        }
    }
    latest.truncate(limit);
    Ok(Json(json!({"subscriptions": latest, "history": history})))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn certificates_are_fetched_once_per_url_and_failures_are_not_cached() {
        let cache = CertificateCache::default();
        let fetches = AtomicUsize::new(0);
        let fetch = |ok: bool| {
            fetches.fetch_add(1, Ordering::SeqCst);
            async move { if ok { Ok(b"PEM".to_vec()) } else { Err("down".to_owned()) } }
        };
        let url = "https://sns.us-east-1.amazonaws.com/a.pem";
        assert_eq!(cache.get_or_fetch(url, || fetch(false)).await, Err("down".to_owned()));
        assert_eq!(cache.len(), 0);
        for _ in 0..3 {
            let pem = cache.get_or_fetch(url, || fetch(true)).await.expect("fetched");
            assert_eq!(pem.as_slice(), b"PEM");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 2, "one failed fetch, then one that is cached");
        let other = "https://sns.eu-west-1.amazonaws.com/b.pem";
        cache.get_or_fetch(other, || fetch(true)).await.expect("fetched");
        assert_eq!((cache.len(), fetches.load(Ordering::SeqCst)), (2, 3));
    }

    #[tokio::test]
    async fn certificates_are_never_fetched_over_plain_http() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let address = listener.local_addr().expect("its address");
        let config = config::parse(
            "tenants: [{id: acme, tier: gold}]\nservices: [{id: web, tenant: acme}]\n",
            "test.yaml",
        )
        .expect("a valid config");
        let hooks =
            SnsHooks::new(&config, &config::IntegrationSettings::default()).expect("set up");
        let url = format!("http://{address}/SimpleNotificationService-test.pem");
        let fetched = fetch_certificate(hooks.certificate_client.clone(), url).await;
        assert!(fetched.is_err(), "{fetched:?}");
        assert!(listener.accept().is_err(), "nothing connected to the plain-HTTP host");
    }

    #[tokio::test]
    async fn the_cache_is_bounded() {
        let cache = CertificateCache::default();
        for n in 0..(MAX_CACHED_CERTIFICATES + 5) {
            let url = format!("https://sns.us-east-1.amazonaws.com/{n}.pem");
            cache.get_or_fetch(&url, || async { Ok(vec![1]) }).await.expect("fetched");
            assert!(cache.len() <= MAX_CACHED_CERTIFICATES);
        }
    }

    #[test]
    fn only_sns_endpoints_and_listed_hosts_are_confirmed() {
        let listed = vec!["127.0.0.1:9000".to_owned(), "localhost".to_owned()];
        for good in [
            "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=x",
            "https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription",
            "http://127.0.0.1:9000/confirm?Token=x",
            "http://localhost:1234/confirm",
            "https://localhost/confirm",
        ] {
            assert_eq!(may_confirm(good, &listed), Ok(()), "{good}");
        }
        for bad in [
            "http://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription",
            "https://sns.us-west-2.amazonaws.com.evil.example/?Action=ConfirmSubscription",
            "http://127.0.0.1:9001/confirm",
            "http://127.0.0.2:9000/confirm",
            "http://user@127.0.0.1:9000/confirm",
            "ftp://127.0.0.1:9000/confirm",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(may_confirm(bad, &listed).is_err(), "{bad}");
        }
        assert!(may_confirm("http://127.0.0.1:9000/confirm", &[]).is_err());
    }

    #[test]
    fn the_subscription_arn_is_read_from_the_confirmation_answer() {
        let answer = b"<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\
            <ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39</SubscriptionArn>\
            </ConfirmSubscriptionResult></ConfirmSubscriptionResponse>";
        assert_eq!(
            subscription_arn(answer).as_deref(),
            Some("arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39")
        );
        assert_eq!(subscription_arn(b"{}"), None);
        assert_eq!(subscription_arn(b"<SubscriptionArn></SubscriptionArn>"), None);
    }

    #[test]
    fn recorded_hosts_never_include_the_token() {
        assert_eq!(
            url_host(
                "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=secret"
            )
            .as_deref(),
            Some("sns.us-west-2.amazonaws.com")
        );
        assert_eq!(url_host("http://127.0.0.1:9000/c?Token=t").as_deref(), Some("127.0.0.1:9000"));
    }
}
