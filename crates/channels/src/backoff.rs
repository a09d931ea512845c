//! Retry delays: capped exponential backoff with injected jitter, so callers own the randomness.

use std::time::Duration;

use domain::DeliverySettings;

/// How long to wait after failed attempt number `attempt` (1 for the first
/// attempt) before the next one.
///
/// ```text
/// ceiling = min(max_backoff, initial_backoff × 2^(attempt − 1))
/// delay   = ceiling × (1 + jitter) / 2          jitter ∈ [0, 1]
/// ```
///
/// So the delay lies in `[ceiling / 2, ceiling]` ("equal jitter"): retries of
/// many deliveries that failed together spread out, yet none comes back
/// sooner than half the schedule. `jitter` is injected (the caller passes a
/// random number) so this stays pure and tests are deterministic; values
/// outside `[0, 1]` are clamped and NaN counts as 0. `attempt` 0 is treated
/// as 1. For a fixed `jitter` the delay never shrinks as `attempt` grows, and
/// once the ceiling reaches `max_backoff` it stays there. Arithmetic
/// saturates: no attempt number or setting can overflow or panic.
pub fn backoff(attempt: u32, settings: &DeliverySettings, jitter: f64) -> Duration {
    let doublings = attempt.max(1) - 1;
    let growth = 1u32.checked_shl(doublings).unwrap_or(u32::MAX);
    let ceiling = settings
        .initial_backoff
        .checked_mul(growth)
        .unwrap_or(Duration::MAX)
        .min(settings.max_backoff);
    let jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };

    let ceiling_nanos = ceiling.as_nanos();
    let half = ceiling_nanos / 2;
    let room = ceiling_nanos - half;
    // `as` from f64 saturates; full jitter is exact rather than rounded.
    let spread = if jitter >= 1.0 { room } else { (room as f64 * jitter) as u128 };
    let delay_nanos = (half + spread).min(ceiling_nanos);
    from_nanos(delay_nanos)
}

fn from_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SECOND: u128 = 1_000_000_000;
    let seconds = u64::try_from(nanos / NANOS_PER_SECOND).unwrap_or(u64::MAX);
    // The remainder is below one billion, so it fits in u32.
    let subsec = (nanos % NANOS_PER_SECOND) as u32;
    Duration::new(seconds, subsec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(initial_secs: u64, max_secs: u64) -> DeliverySettings {
        DeliverySettings {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(initial_secs),
            max_backoff: Duration::from_secs(max_secs),
            timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn doubles_from_the_initial_backoff_up_to_the_maximum() {
        let settings = settings(2, 300);
        let full: Vec<u64> = (1..=10).map(|a| backoff(a, &settings, 1.0).as_secs()).collect();
        assert_eq!(full, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        let least: Vec<u64> = (1..=10).map(|a| backoff(a, &settings, 0.0).as_secs()).collect();
        assert_eq!(least, [1, 2, 4, 8, 16, 32, 64, 128, 150, 150]);
        assert_eq!(backoff(3, &settings, 0.5), Duration::from_secs(6));
    }

    #[test]
    fn stays_within_half_and_all_of_the_ceiling_and_never_shrinks() {
        let settings = settings(2, 300);
        for jitter in [0.0, 0.1, 0.25, 0.5, 0.75, 0.99, 1.0] {
            let mut previous = Duration::ZERO;
            for attempt in 1..=40 {
                let ceiling = (Duration::from_secs(2) * 2u32.saturating_pow(attempt - 1))
                    .min(Duration::from_secs(300));
                let delay = backoff(attempt, &settings, jitter);
                assert!(delay >= ceiling / 2, "attempt {attempt} jitter {jitter}: {delay:?}");
                assert!(delay <= ceiling, "attempt {attempt} jitter {jitter}: {delay:?}");
                assert!(delay >= previous, "attempt {attempt} jitter {jitter} shrank");
                previous = delay;
            }
            assert!(previous <= Duration::from_secs(300));
        }
    }

    #[test]
    fn more_jitter_never_means_less_delay() {
        let settings = settings(3, 60);
        for attempt in 1..=8 {
            let delays: Vec<Duration> =
                (0..=10).map(|step| backoff(attempt, &settings, f64::from(step) / 10.0)).collect();
            assert!(delays.windows(2).all(|pair| pair[0] <= pair[1]), "{delays:?}");
        }
    }

    #[test]
    fn odd_inputs_are_clamped_not_panics() {
        let capped_below_initial = settings(10, 4);
        let settings = settings(2, 300);
        assert_eq!(backoff(0, &settings, 1.0), backoff(1, &settings, 1.0));
        assert_eq!(backoff(2, &settings, -3.0), Duration::from_secs(2));
        assert_eq!(backoff(2, &settings, 7.0), Duration::from_secs(4));
        assert_eq!(backoff(2, &settings, f64::NAN), Duration::from_secs(2));
        assert_eq!(backoff(2, &settings, f64::INFINITY), Duration::from_secs(4));
        assert_eq!(backoff(u32::MAX, &settings, 1.0), Duration::from_secs(300));

        let unbounded = DeliverySettings {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..settings.clone()
        };
        assert_eq!(backoff(u32::MAX, &unbounded, 1.0), Duration::MAX);
        assert!(backoff(u32::MAX, &unbounded, 0.0) >= Duration::MAX / 2);

        // A maximum below the initial backoff caps even the first retry.
        assert_eq!(backoff(1, &capped_below_initial, 1.0), Duration::from_secs(4));
        // Sub-second settings keep their precision.
        let fast = DeliverySettings {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(250),
            ..settings
        };
        assert_eq!(backoff(1, &fast, 0.0), Duration::from_millis(50));
        assert_eq!(backoff(2, &fast, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(3, &fast, 1.0), Duration::from_millis(250));
    }
}
