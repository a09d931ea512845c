//! The thin sender: POSTs an already rendered body and classifies the outcome as delivered, retryable or permanent.

use std::time::Duration;

use domain::ChannelKind;
use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::text::{single_line, truncate};

/// `User-Agent` of every request.
const USER_AGENT_VALUE: &str = concat!("watchfloor/", env!("CARGO_PKG_VERSION"));
/// How much of an error response is read, and how much of it is quoted.
const ERROR_BODY_READ_BYTES: usize = 4096;
const ERROR_BODY_QUOTED_CHARS: usize = 300;
/// Headers a channel's config may not set: the HTTP client owns them.
const RESERVED_HEADERS: &[&str] =
    &["host", "content-length", "transfer-encoding", "connection", "te", "upgrade"];

/// Why a notification was not delivered, and whether trying again may help.
///
/// `message` names the target by scheme and host only (`https://hooks.slack.com`):
/// channel URLs can carry secrets in their path, and this message ends up in
/// logs and incident timelines.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    /// Connection errors, timeouts, 408, 425, 429 and 5xx: try again later.
    /// Everything else (other 4xx, redirects, bad configuration) will fail the
    /// same way again, so it should be dead-lettered.
    pub retryable: bool,
    /// The HTTP status, when the target answered.
    pub status: Option<u16>,
    pub message: String,
}

impl SendError {
    fn permanent(message: String) -> Self {
        Self { retryable: false, status: None, message }
    }
}

/// Sends rendered bodies to channels. Cheap to clone: clones share one
/// connection pool.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    timeout: Duration,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl Sender {
    /// A sender whose requests each get `timeout` in total (connecting,
    /// sending and reading the answer). Redirects are never followed.
    pub fn new(timeout: Duration) -> Result<Self, SendError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT_VALUE)
            .build()
            .map_err(|error| {
                SendError::permanent(format!(
                    "cannot build the HTTP client: {}",
                    error_chain(&error)
                ))
            })?;
        Ok(Self { client, timeout })
    }

    /// POSTs `body` (already rendered JSON text) to the channel.
    ///
    /// - Webhook: the configured headers, then `Content-Type: application/json`,
    ///   `Idempotency-Key: {idempotency_key}` and `User-Agent: watchfloor/<version>`
    ///   (these three win over configured headers of the same name).
    /// - Slack: the Block Kit JSON with `Content-Type: application/json`, and
    ///   nothing Slack does not document (no `Idempotency-Key`).
    ///
    /// Any 2xx is delivered. Connection errors, timeouts, 408, 425, 429 and 5xx
    /// are retryable; other 4xx and every redirect (never followed) are not.
    /// Errors quote up to 300 chars of the response body, where Slack puts
    /// its reason (`invalid_payload`, `no_service`, `channel_is_archived` …).
    pub async fn send(
        &self,
        kind: &ChannelKind,
        body: &str,
        idempotency_key: &str,
    ) -> Result<(), SendError> {
        let (url, mut headers) = match kind {
            ChannelKind::Webhook { url, headers: configured } => {
                let target = Target::parse(kind.name(), url)?;
                let mut headers = configured_headers(&target, configured)?;
                let key = HeaderValue::from_str(idempotency_key).map_err(|_| {
                    SendError::permanent(format!(
                        "{target}: the idempotency key is not a valid header value"
                    ))
                })?;
                headers.insert(HeaderName::from_static("idempotency-key"), key);
                (target, headers)
            }
            ChannelKind::Slack { url } => (Target::parse(kind.name(), url)?, HeaderMap::new()),
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        self.post(&url, headers, body).await
    }

    async fn post(&self, target: &Target, headers: HeaderMap, body: &str) -> Result<(), SendError> {
        let request =
            self.client.post(target.url.clone()).headers(headers).body(body.to_owned()).send();
        let mut response = match request.await {
            Ok(response) => response,
            Err(error) => return Err(self.transport_error(target, error)),
        };
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let quoted = read_error_body(&mut response).await;
        let code = status.as_u16();
        let mut message = format!("{target} answered {status}");
        if status.is_redirection() {
            message.push_str(" (redirects are not followed: configure the final URL)");
        } else if target.kind == "slack"
            && let Some(hint) = slack_hint(&quoted)
        {
            message.push_str(&format!(" ({hint})"));
        }
        if !quoted.is_empty() {
            message.push_str(": ");
            message.push_str(&quoted);
        }
        Err(SendError {
            retryable: is_retryable_status(code),
            status: Some(code),
            message: target.redact(message),
        })
    }

    fn transport_error(&self, target: &Target, error: reqwest::Error) -> SendError {
        let error = error.without_url();
        let what = if error.is_timeout() {
            format!("timed out after {:?}", self.timeout)
        } else if error.is_connect() {
            "could not connect".to_owned()
        } else {
            "request failed".to_owned()
        };
        SendError {
            // A builder error is a request that can never be made; everything
            // else happened on the way and may not happen next time.
            retryable: !error.is_builder(),
            status: None,
            message: target.redact(format!("{target}: {what}: {}", error_chain(&error))),
        }
    }
}

/// 408 Request Timeout, 425 Too Early, 429 Too Many Requests and 5xx may
/// succeed later; other statuses will not change by themselves.
fn is_retryable_status(code: u16) -> bool {
    matches!(code, 408 | 425 | 429 | 500..=599)
}

/// What Slack's documented incoming-webhook errors mean.
fn slack_hint(body: &str) -> Option<&'static str> {
    let code = body.split_whitespace().next()?;
    Some(match code {
        "invalid_payload" => "Slack rejected the message as malformed",
        "no_service" | "no_active_hooks" => "the Slack webhook was disabled, removed or is wrong",
        "no_service_id" | "invalid_token" | "no_team" | "team_disabled" => {
            "the Slack webhook URL is invalid or its workspace is unavailable"
        }
        "channel_not_found" | "user_not_found" => "the Slack channel no longer exists",
        "channel_is_archived" => "the Slack channel is archived",
        "action_prohibited" | "posting_to_general_channel_denied" => {
            "Slack does not allow this webhook to post to its channel"
        }
        _ => return None,
    })
}

/// The configured headers, validated; values are marked sensitive (they are
/// often credentials) and never appear in errors.
fn configured_headers(
    target: &Target,
    configured: &[(String, String)],
) -> Result<HeaderMap, SendError> {
    let mut headers = HeaderMap::new();
    for (name, value) in configured {
        let header_name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            SendError::permanent(format!(
                "{target}: configured header {name:?} is not a valid name"
            ))
        })?;
        if RESERVED_HEADERS.contains(&header_name.as_str()) {
            return Err(SendError::permanent(format!(
                "{target}: header {header_name} is set by the HTTP client and cannot be configured"
            )));
        }
        let mut header_value = HeaderValue::from_str(value).map_err(|_| {
            SendError::permanent(format!(
                "{target}: configured header {header_name} has an invalid value"
            ))
        })?;
        header_value.set_sensitive(true);
        headers.append(header_name, header_value);
    }
    Ok(headers)
}

/// Reads the start of an error response, for quoting. Bounded, and a body
/// that fails to arrive is simply not quoted.
async fn read_error_body(response: &mut reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < ERROR_BODY_READ_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(ERROR_BODY_READ_BYTES);
    let text = String::from_utf8_lossy(&bytes);
    truncate(single_line(&text).trim(), ERROR_BODY_QUOTED_CHARS).into_owned()
}

/// An error and its causes, `outer: inner: innermost`.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// Where a channel sends, and how to name it without leaking its secret path.
struct Target {
    kind: &'static str,
    url: Url,
    /// `kind scheme://host[:port]`
    described: String,
}

impl Target {
    fn parse(kind: &'static str, url: &str) -> Result<Self, SendError> {
        // Never quote the URL: it may be a secret (Slack webhooks are).
        let parsed = Url::parse(url.trim()).map_err(|error| {
            SendError::permanent(format!("{kind} channel URL is invalid: {error}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(SendError::permanent(format!(
                "{kind} channel URL must be http or https, not {}",
                parsed.scheme()
            )));
        }
        let Some(host) = parsed.host_str() else {
            return Err(SendError::permanent(format!("{kind} channel URL has no host")));
        };
        let described = match parsed.port() {
            Some(port) => format!("{kind} {}://{host}:{port}", parsed.scheme()),
            None => format!("{kind} {}://{host}", parsed.scheme()),
        };
        Ok(Self { kind, url: parsed, described })
    }

    /// Belt and braces: removes the URL and its path should any cause quote them.
    fn redact(&self, message: String) -> String {
        let mut message = message.replace(self.url.as_str(), &self.described);
        for secret in [self.url.path(), self.url.query().unwrap_or("")] {
            if secret.len() > 1 && message.contains(secret) {
                message = message.replace(secret, "/[redacted]");
            }
        }
        message
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.described)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_statuses_are_the_transient_ones() {
        let retryable: Vec<u16> = (100..600).filter(|&code| is_retryable_status(code)).collect();
        let mut expected = vec![408, 425, 429];
        expected.extend(500..600);
        assert_eq!(retryable, expected);
    }

    #[test]
    fn targets_are_described_by_scheme_and_host_only() {
        let target =
            Target::parse("slack", "https://hooks.slack.com/services/T0/B0/s3cr3t").expect("valid");
        assert_eq!(target.to_string(), "slack https://hooks.slack.com");
        let target =
            Target::parse("webhook", "http://127.0.0.1:8080/hook?token=abc").expect("valid");
        assert_eq!(target.to_string(), "webhook http://127.0.0.1:8080");
        assert_eq!(
            target.redact("GET http://127.0.0.1:8080/hook?token=abc failed at /hook".into()),
            "GET webhook http://127.0.0.1:8080 failed at /[redacted]"
        );
    }

    #[test]
    fn bad_urls_are_permanent_and_not_quoted() {
        let error =
            Target::parse("slack", "hooks.slack.com/services/s3cr3t").err().expect("invalid");
        assert!(!error.retryable);
        assert!(!error.message.contains("s3cr3t"), "{}", error.message);
        let error = Target::parse("webhook", "ftp://example.com/s3cr3t").err().expect("invalid");
        assert!(!error.retryable);
        assert!(!error.message.contains("s3cr3t"), "{}", error.message);
    }

    #[test]
    fn configured_headers_are_checked_without_quoting_values() {
        let target = Target::parse("webhook", "https://example.com/hook").expect("valid");
        let headers = configured_headers(
            &target,
            &[("Authorization".into(), "Bearer t0ken".into()), ("X-Env".into(), "prod".into())],
        )
        .expect("valid headers");
        assert!(headers["authorization"].is_sensitive());
        assert_eq!(headers["x-env"], "prod");

        let error = configured_headers(&target, &[("X-Key".into(), "s3cr3t\n".into())])
            .expect_err("newline in value");
        assert!(!error.retryable);
        assert!(!error.message.contains("s3cr3t"), "{}", error.message);
        let error = configured_headers(&target, &[("Bad Name".into(), "v".into())])
            .expect_err("space in name");
        assert!(!error.retryable);
        let error = configured_headers(&target, &[("Content-Length".into(), "1".into())])
            .expect_err("reserved");
        assert!(error.message.contains("content-length"), "{}", error.message);
    }

    #[test]
    fn slack_errors_get_a_hint() {
        assert_eq!(slack_hint("invalid_payload"), Some("Slack rejected the message as malformed"));
        assert_eq!(slack_hint("channel_is_archived"), Some("the Slack channel is archived"));
        assert_eq!(slack_hint("<html>oops</html>"), None);
        assert_eq!(slack_hint(""), None);
    }
}
