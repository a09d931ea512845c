//! The server's half of imports: imported events marked for the engine go
//! through it like live events, each exactly once.
//!
//! The loop reads a page of marked events, parses each record again from
//! the details the import stored (the record as its source wrote it) and
//! hands the page to the engine loop, which commits what the events caused
//! together with clearing their marks. It reads again at once while pages
//! come back full, and otherwise every [`FEED_INTERVAL`], so a file
//! imported while the server runs raises its alerts within seconds, and one
//! imported while it was stopped as soon as it starts.

use std::sync::Arc;
use std::time::Duration;

use domain::{Config, Event, SourceKind};
use store::{PendingImport, Store};

use crate::writer::{ImportedForEngine, WriteError, Writer};

/// How long the loop waits before looking again when nothing was waiting.
pub const FEED_INTERVAL: Duration = Duration::from_secs(1);

/// Events per engine turn.
const PAGE: i64 = 256;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("reading imported events failed: {0}")]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Runs until the engine loop stops.
pub async fn run(config: Arc<Config>, store: Store, writer: Writer) {
    while writer.is_running() {
        match feed_once(&config, &store, &writer).await {
            Ok(handled) if handled as i64 == PAGE => continue,
            Ok(_) => {}
            Err(FeedError::Write(WriteError::Stopped)) => return,
            Err(error) => tracing::warn!(error = %error, "imported events wait for the engine"),
        }
        tokio::time::sleep(FEED_INTERVAL).await;
    }
}

/// Hands one page of marked events to the engine; returns how many.
pub async fn feed_once(
    config: &Config,
    store: &Store,
    writer: &Writer,
) -> Result<usize, FeedError> {
    let pending = store.engine_pending(PAGE).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let events = pending.into_iter().map(|p| for_engine(config, p)).collect();
    Ok(writer.handle_imported(events).await?)
}

fn for_engine(config: &Config, pending: PendingImport) -> ImportedForEngine {
    let event = match event_of(config, &pending) {
        Ok(event) => Some(event),
        Err(reason) => {
            tracing::warn!(
                event_id = pending.event_id,
                tenant = %pending.tenant,
                reason = %reason,
                "an imported event is kept as history only"
            );
            None
        }
    };
    ImportedForEngine {
        event_id: pending.event_id,
        tenant: pending.tenant,
        service: pending.service,
        event,
    }
}

/// The event the record maps to, as the import mapped it.
fn event_of(config: &Config, pending: &PendingImport) -> Result<Event, String> {
    if config.tenant(&pending.tenant).is_none() {
        return Err("its tenant is no longer in the configuration".to_owned());
    }
    if config.service(&pending.service).is_none_or(|s| s.tenant != pending.tenant) {
        return Err(format!("service `{}` is no longer the tenant's", pending.service));
    }
    if pending.source_kind != SourceKind::CloudTrail.as_str() {
        return Err(format!("imports of kind `{}` are not handled", pending.source_kind));
    }
    let body = pending.details.to_string();
    ingest::parse_cloudtrail_record(body.as_bytes(), pending.imported_at)
        .map(|record| record.event)
        .map_err(|error| format!("the record no longer parses: {}", error.message))
}
