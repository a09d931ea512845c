//! Serving HTTP/1.1 connections, with the timeout `axum::serve` leaves out.
//!
//! `axum::serve` gives hyper no timer, so a client that opens a connection
//! and sends half a request line, or nothing, holds it for as long as it
//! likes. Here each connection has the read timeout to send a request's
//! head, the first and each next one on a kept-alive connection, counted
//! from its first byte or from the end of the last response (a response
//! being written, a NOC page's live stream say, is not waiting for a head).
//! Bodies have the same bound, in [`crate::http::read_body`].

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The read timeout `serve` takes unless told otherwise: nginx's keep-alive
/// default. A kept-alive connection idle this long is closed too, and a
/// client that sends on it just as it closes sees its request fail: clients
/// that post every 15, 30 or 60 seconds (Prometheus's evaluation intervals)
/// reuse their connection well before, or find it closed well after.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(75);

/// Serves `router` on `listener` until `shutdown` completes; then stops
/// accepting, lets each connection finish the request it is on, and returns
/// when every connection has closed. A connection that takes longer than
/// `read_timeout` to send a request's head is closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    // Each connection holds a receiver; the sender says "finish up" to all
    // of them, and learns when the last is gone.
    let (finish, finishing) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let mut finishing = finishing.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(read_timeout);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::debug!(error = %error, "connection ended with an error");
                    }
                    return;
                }
                _ = finishing.changed() => connection.as_mut().graceful_shutdown(),
            }
            if let Err(error) = connection.await {
                tracing::debug!(error = %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    drop(finishing);
    let _ = finish.send(());
    finish.closed().await;
}

/// A refused or reset connection is the client's business; anything else
/// (out of file descriptors, say) is logged, and accepting pauses a little
/// so that it can pass rather than spin.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %error, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
