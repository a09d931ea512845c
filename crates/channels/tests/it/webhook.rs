//! Webhook delivery against a loopback receiver: headers, body, and how each failure is classified.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::routing::post;
use channels::{Sender, render_webhook};
use domain::NotifyReason;
use tokio::net::TcpListener;

use crate::{Inbox, Received, context, expect_failure, incident, sender, serve, webhook};

/// Records what arrives on `/hook`; `/status/{code}` answers with that status.
async fn receiver() -> (String, Inbox) {
    async fn record(
        State(inbox): State<Inbox>,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        inbox.push(Received { path: uri.path().to_owned(), headers, body });
        StatusCode::NO_CONTENT
    }
    async fn status(Path(code): Path<u16>) -> impl IntoResponse {
        let status = StatusCode::from_u16(code).expect("valid status");
        (status, format!("receiver says {code}"))
    }
    async fn long_error() -> impl IntoResponse {
        (StatusCode::UNPROCESSABLE_ENTITY, format!("schema error:\n{}", "ß".repeat(5000)))
    }
    async fn redirect() -> impl IntoResponse {
        (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, "/hook")])
    }
    let inbox = Inbox::default();
    let router = Router::new()
        .route("/hook", post(record))
        .route("/status/{code}", post(status))
        .route("/long-error", post(long_error))
        .route("/redirect", post(redirect))
        .with_state(inbox.clone());
    (format!("http://{}", serve(router).await), inbox)
}

#[tokio::test]
async fn delivers_the_body_with_idempotency_key_and_configured_headers() {
    let (base, inbox) = receiver().await;
    let incident = incident();
    let body = render_webhook(&context(&incident, NotifyReason::Opened)).to_string();
    let channel = webhook(
        format!("{base}/hook"),
        &[
            ("Authorization", "Bearer noc-t0ken"),
            ("X-Watchfloor-Env", "prod"),
            // Ours win: a configured content type or key cannot break the contract.
            ("Content-Type", "text/plain"),
            ("Idempotency-Key", "from-config"),
        ],
    );

    sender().send(&channel, &body, "outbox-17").await.expect("delivered");

    let received = inbox.take();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.path, "/hook");
    assert_eq!(request.body, body.as_bytes());
    assert_eq!(request.json()["incident"]["id"], 42);
    assert_eq!(request.header("idempotency-key"), Some("outbox-17"));
    assert_eq!(request.headers.get_all("idempotency-key").iter().count(), 1);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.headers.get_all("content-type").iter().count(), 1);
    assert_eq!(request.header("authorization"), Some("Bearer noc-t0ken"));
    assert_eq!(request.header("x-watchfloor-env"), Some("prod"));
    assert_eq!(
        request.header("user-agent"),
        Some(concat!("watchfloor/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn retries_are_the_same_request() {
    let (base, inbox) = receiver().await;
    let channel = webhook(format!("{base}/hook"), &[]);
    let sender = sender();
    for _ in 0..2 {
        sender.send(&channel, r#"{"version":1}"#, "outbox-3").await.expect("delivered");
    }
    let received = inbox.take();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].body, received[1].body);
    assert_eq!(received[0].header("idempotency-key"), received[1].header("idempotency-key"));
}

#[tokio::test]
async fn transient_statuses_are_retryable_and_the_rest_are_not() {
    let (base, _) = receiver().await;
    let sender = sender();
    for (code, retryable) in [
        (500, true),
        (502, true),
        (503, true),
        (504, true),
        (408, true),
        (425, true),
        (429, true),
        (400, false),
        (401, false),
        (403, false),
        (404, false),
        (410, false),
        (422, false),
    ] {
        let channel = webhook(format!("{base}/status/{code}"), &[]);
        let error = expect_failure(sender.send(&channel, "{}", "k").await, retryable, Some(code));
        assert!(error.message.contains(&format!("receiver says {code}")), "{}", error.message);
        assert!(error.message.starts_with("webhook http://127.0.0.1:"), "{}", error.message);
        assert!(!error.message.contains("/status/"), "path leaked: {}", error.message);
    }
}

#[tokio::test]
async fn error_bodies_are_quoted_briefly_on_one_line() {
    let (base, _) = receiver().await;
    let channel = webhook(format!("{base}/long-error"), &[]);
    let error = expect_failure(sender().send(&channel, "{}", "k").await, false, Some(422));
    assert!(
        error.message.contains("422 Unprocessable Entity: schema error: ßß"),
        "{}",
        error.message
    );
    assert!(error.message.ends_with('…'));
    assert!(!error.message.contains('\n'));
    let quoted = error.message.split_once(": ").expect("quoted body").1;
    assert_eq!(quoted.chars().count(), 300);
}

#[tokio::test]
async fn redirects_are_failures_and_never_followed() {
    let (base, inbox) = receiver().await;
    let channel = webhook(format!("{base}/redirect"), &[]);
    let error = expect_failure(sender().send(&channel, "{}", "k").await, false, Some(307));
    assert!(error.message.contains("redirects are not followed"), "{}", error.message);
    assert!(inbox.take().is_empty(), "the redirect was followed");
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out_retryably() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    // Accepts and reads, never answers.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let sender = Sender::new(Duration::from_millis(300)).expect("client builds");
    let channel = webhook(format!("http://{address}/hook/s3cr3t"), &[]);
    let error = expect_failure(sender.send(&channel, "{}", "k").await, true, None);
    assert!(error.message.contains("timed out after 300ms"), "{}", error.message);
    assert!(!error.message.contains("s3cr3t"), "{}", error.message);
}

#[tokio::test]
async fn an_unreachable_receiver_is_retryable_and_its_url_not_quoted() {
    let address = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        listener.local_addr().expect("local address")
    };
    let channel = webhook(format!("http://{address}/hook/s3cr3t?token=hunter2"), &[]);
    let error = expect_failure(sender().send(&channel, "{}", "k").await, true, None);
    assert!(
        error.message.contains(&format!("webhook http://{address}: could not connect")),
        "{}",
        error.message
    );
    assert!(!error.message.contains("s3cr3t"), "{}", error.message);
    assert!(!error.message.contains("hunter2"), "{}", error.message);
}

#[tokio::test]
async fn bad_configuration_is_permanent_and_nothing_is_sent() {
    let (base, inbox) = receiver().await;
    let sender = sender();
    let bad_header = webhook(format!("{base}/hook"), &[("X-Key", "line\nbreak")]);
    expect_failure(sender.send(&bad_header, "{}", "k").await, false, None);
    let bad_url = webhook("not a url".into(), &[]);
    expect_failure(sender.send(&bad_url, "{}", "k").await, false, None);
    let bad_key = webhook(format!("{base}/hook"), &[]);
    expect_failure(sender.send(&bad_key, "{}", "key\r\nX-Injected: 1").await, false, None);
    assert!(inbox.take().is_empty());
}
