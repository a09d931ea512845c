//! Waiting for a server to go quiet before a measurement: after a fill, a
//! database vacuums the table it just filled and a server may collect
//! garbage, and a probe started then measures that work, not re-sends at
//! that size.

use std::time::Duration;

use crate::procfs;

/// When the processes count as quiet, and how long to wait for it.
#[derive(Debug, Clone, Copy)]
pub struct SettleSpec {
    /// Quiet means under this share of one core...
    pub busy_share: f64,
    /// ...for this many samples in a row...
    pub quiet_samples: u32,
    /// ...each this long.
    pub interval: Duration,
    /// Give up (and measure anyway) after this long.
    pub limit: Duration,
}

impl Default for SettleSpec {
    fn default() -> Self {
        Self {
            busy_share: 0.05,
            quiet_samples: 2,
            interval: Duration::from_secs(1),
            limit: Duration::from_secs(120),
        }
    }
}

/// How the wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Quiet after this many samples.
    Quiet { samples: u32 },
    /// Still busy when the limit came.
    Busy { samples: u32 },
}

/// Counts consecutive quiet samples; no clock, no `/proc`, so it can be tested.
#[derive(Debug, Clone)]
pub struct Quietness {
    threshold_ticks: f64,
    needed: u32,
    run: u32,
}

impl Quietness {
    /// `ticks_per_second` as `/proc` counts CPU time (`CLK_TCK`).
    pub fn new(spec: &SettleSpec, ticks_per_second: f64) -> Self {
        let threshold_ticks = spec.busy_share * ticks_per_second * spec.interval.as_secs_f64();
        Self { threshold_ticks, needed: spec.quiet_samples.max(1), run: 0 }
    }

    /// One interval's CPU ticks; true once enough quiet ones came in a row.
    pub fn observe(&mut self, ticks: u64) -> bool {
        if (ticks as f64) <= self.threshold_ticks {
            self.run += 1;
        } else {
            self.run = 0;
        }
        self.run >= self.needed
    }
}

/// CPU ticks used so far by the server and, given a database postmaster,
/// by its processes; `None` once the server is gone.
fn ticks(server_pid: u32, db_pid: Option<u32>) -> Option<u64> {
    let server = procfs::own_cpu_ticks(server_pid)?;
    let db = db_pid.and_then(procfs::tree_cpu_ticks).unwrap_or(0);
    Some(server + db)
}

/// Samples the processes' CPU each interval until they are quiet or the
/// limit passes. Fails when the server process is gone.
pub fn wait(
    server_pid: u32,
    db_pid: Option<u32>,
    spec: &SettleSpec,
) -> Result<Settled, SettleError> {
    let mut quietness = Quietness::new(spec, procfs::clock_ticks_per_second());
    let most = (spec.limit.as_secs_f64() / spec.interval.as_secs_f64().max(0.001)).ceil() as u32;
    let mut before = ticks(server_pid, db_pid).ok_or(SettleError::Gone(server_pid))?;
    for samples in 1..=most.max(1) {
        std::thread::sleep(spec.interval);
        let after = ticks(server_pid, db_pid).ok_or(SettleError::Gone(server_pid))?;
        if quietness.observe(after.saturating_sub(before)) {
            return Ok(Settled::Quiet { samples });
        }
        before = after;
    }
    Ok(Settled::Busy { samples: most.max(1) })
}

#[derive(Debug, thiserror::Error)]
pub enum SettleError {
    #[error("process {0} is not running")]
    Gone(u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quietness() -> Quietness {
        // 5 % of a core over 1 s at 100 ticks a second: 5 ticks.
        Quietness::new(&SettleSpec::default(), 100.0)
    }

    #[test]
    fn two_quiet_seconds_in_a_row_settle() {
        let mut q = quietness();
        assert!(!q.observe(80));
        assert!(!q.observe(5));
        assert!(q.observe(0));
    }

    #[test]
    fn a_busy_second_starts_the_count_again() {
        let mut q = quietness();
        assert!(!q.observe(3));
        assert!(!q.observe(6));
        assert!(!q.observe(2));
        assert!(q.observe(4));
    }

    #[test]
    fn a_missing_process_is_an_error() {
        // Process ids are below 2^22 on Linux.
        let spec = SettleSpec { limit: Duration::from_millis(10), ..SettleSpec::default() };
        assert!(matches!(wait(u32::MAX, None, &spec), Err(SettleError::Gone(u32::MAX))));
    }

    #[test]
    fn this_process_idle_settles() {
        let spec = SettleSpec {
            interval: Duration::from_millis(200),
            busy_share: 0.5,
            limit: Duration::from_secs(5),
            ..SettleSpec::default()
        };
        let outcome = wait(std::process::id(), None, &spec).expect("running");
        assert!(matches!(outcome, Settled::Quiet { samples: 2.. }), "{outcome:?}");
    }
}
