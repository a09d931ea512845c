//! The outbox worker: sends due notifications, retries with backoff and
//! jitter, and dead-letters what keeps failing — visibly, never silently.

use std::sync::Arc;
use std::time::Duration;

use domain::{Config, TimelineEntry, TimelineKind, Timestamp};
use futures_util::StreamExt;
use store::{Delivery, DeliveryOutcome, DeliveryRecord, Store};

use crate::metrics::Metrics;
use crate::writer::{Signals, Writer, now};

/// Deliveries in flight at once.
const CONCURRENCY: usize = 8;
/// Rows claimed per poll.
const BATCH: i64 = 64;
/// Poll at least this often, so retries come due without a signal.
const IDLE_POLL: Duration = Duration::from_millis(500);

pub struct DeliveryWorker {
    pub config: Arc<Config>,
    pub store: Store,
    pub sender: channels::Sender,
    pub metrics: Arc<Metrics>,
    pub signals: Signals,
    /// Outcomes are committed by the engine loop, with everything else:
    /// one writer, no waiting on the database's write lock.
    pub writer: Writer,
}

impl DeliveryWorker {
    pub async fn run(self) {
        loop {
            let due = match self.store.due_deliveries(now(), BATCH).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::error!(error = %error, "reading the outbox failed");
                    tokio::time::sleep(IDLE_POLL).await;
                    continue;
                }
            };
            if due.is_empty() {
                let _ = tokio::time::timeout(IDLE_POLL, self.signals.outbox.notified()).await;
                continue;
            }
            futures_util::stream::iter(due)
                .for_each_concurrent(CONCURRENCY, |delivery| self.deliver(delivery))
                .await;
            let _ = self.signals.changed.send(());
        }
    }

    async fn deliver(&self, delivery: Delivery) {
        let attempt = u32::try_from(delivery.attempts).unwrap_or(0).saturating_add(1);
        let settings = &self.config.delivery;
        let result = match self.config.channel(&delivery.channel) {
            Some(channel) => {
                self.sender.send(&channel.kind, &delivery.body, &delivery.idempotency_key).await
            }
            None => Err(channels::SendError {
                retryable: false,
                status: None,
                message: format!("channel {} is no longer configured", delivery.channel),
            }),
        };
        let at = now();
        let kind = delivery.channel_kind.as_str();
        let reason = delivery.reason.as_str();
        let (outcome, timeline_kind, message) = match result {
            Ok(()) => {
                self.metrics.inc("watchfloor_notifications_sent_total", &[("channel_kind", kind)]);
                (
                    DeliveryOutcome::Sent { at },
                    TimelineKind::NotificationSent,
                    format!(
                        "{reason} notification delivered to {} (attempt {attempt})",
                        delivery.channel
                    ),
                )
            }
            Err(error) if error.retryable && attempt < settings.max_attempts => {
                self.metrics
                    .inc("watchfloor_notifications_failed_total", &[("channel_kind", kind)]);
                let wait = channels::backoff(attempt, settings, rand::random::<f64>());
                let retry_at = later(at, wait);
                (
                    DeliveryOutcome::Failed { at, error: error.message.clone(), retry_at },
                    TimelineKind::NotificationFailed,
                    format!(
                        "{reason} notification to {} failed (attempt {attempt} of {}): {}; retrying in {:.1}s",
                        delivery.channel,
                        settings.max_attempts,
                        error.message,
                        wait.as_secs_f64()
                    ),
                )
            }
            Err(error) => {
                self.metrics
                    .inc("watchfloor_notifications_failed_total", &[("channel_kind", kind)]);
                self.metrics
                    .inc("watchfloor_notifications_dead_lettered_total", &[("channel_kind", kind)]);
                tracing::warn!(
                    delivery = delivery.id,
                    channel = %delivery.channel,
                    error = %error.message,
                    "notification dead-lettered"
                );
                (
                    DeliveryOutcome::DeadLettered { at, error: error.message.clone() },
                    TimelineKind::NotificationDeadLettered,
                    format!(
                        "{reason} notification to {} dead-lettered after {attempt} attempt(s): {}",
                        delivery.channel, error.message
                    ),
                )
            }
        };
        let entry = TimelineEntry {
            incident_id: delivery.incident_id,
            tenant: delivery.tenant.clone(),
            at,
            kind: timeline_kind,
            message,
            actor: format!("channel:{}", delivery.channel),
        };
        let record = DeliveryRecord { id: delivery.id, outcome, timeline: entry };
        if let Err(error) = self.writer.record_delivery(record).await {
            tracing::error!(delivery = delivery.id, error = %error, "recording a delivery failed");
        }
    }
}

fn later(at: Timestamp, wait: Duration) -> Timestamp {
    jiff::SignedDuration::try_from(wait)
        .ok()
        .and_then(|wait| at.checked_add(wait).ok())
        .unwrap_or(Timestamp::MAX)
}
