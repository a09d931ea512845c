//! The disk on its own: how long a write and `fdatasync` take, with no server.
//!
//! Every 2xx Watchfloor answers waits for an `fdatasync` (SQLite's WAL, or
//! PostgreSQL's). A request's latency can be no better than the disk's, and a
//! disk that now and then takes 50 ms to sync holds every request of those
//! 50 ms. This probe does what a commit under the steady load does to the
//! disk (a WAL-sized write, then a sync, a few hundred times a second) into a
//! file written once beforehand, as SQLite reuses its WAL, so that the
//! table can say what the disk itself did.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::FileExt as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// What to write, how often and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskSpec {
    /// The directory to write the probe's file in (the data directory's disk).
    pub dir: PathBuf,
    /// Bytes per write: about what one commit adds to the WAL.
    pub write_bytes: usize,
    /// Writes (each followed by a sync) per second.
    pub rate: f64,
    pub duration: Duration,
    /// The file's size: writes go round it.
    pub file_bytes: u64,
}

/// A sync slower than this is listed with when it happened.
pub const STALL: Duration = Duration::from_millis(10);

/// What the disk did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskReport {
    /// When the probe started, UTC, to the second.
    pub started_at: String,
    pub write_bytes: usize,
    pub rate: f64,
    pub seconds: f64,
    pub syncs: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    /// Writes and syncs slower than [`STALL`]: seconds into the run, and milliseconds taken.
    pub stalls: Vec<(f64, f64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiskError {
    #[error("{what} {path}: {source}")]
    Io { what: &'static str, path: String, source: io::Error },
    #[error("write size {0} is not within 1 byte and the file's size")]
    Size(usize),
}

/// Writes `spec.write_bytes` and syncs, `spec.rate` times a second for
/// `spec.duration`, then removes the file.
pub fn probe(spec: &DiskSpec) -> Result<DiskReport, DiskError> {
    let path = spec.dir.join("watchfloor-bench-disk.probe");
    let shown = path.display().to_string();
    let io = |what: &'static str| {
        let path = shown.clone();
        move |source| DiskError::Io { what, path, source }
    };
    if spec.write_bytes == 0 || spec.write_bytes as u64 > spec.file_bytes {
        return Err(DiskError::Size(spec.write_bytes));
    }
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&path)
        .map_err(io("creating"))?;
    let result = fill(&mut file, spec.file_bytes)
        .map_err(io("filling"))
        .and_then(|()| measure(&file, spec).map_err(io("writing")));
    let removed = std::fs::remove_file(&path).map_err(io("removing"));
    let report = result?;
    removed?;
    Ok(report)
}

fn fill(file: &mut File, bytes: u64) -> io::Result<()> {
    let chunk = vec![0u8; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        file.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}

fn measure(file: &File, spec: &DiskSpec) -> io::Result<DiskReport> {
    // Not zeros, so that no layer below can skip or shrink them.
    let buffer: Vec<u8> = (0..spec.write_bytes).map(|i| (i * 131 % 251) as u8).collect();
    let interval = Duration::from_secs_f64(1.0 / spec.rate.max(1.0));
    let mut histogram =
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).map_err(io::Error::other)?;
    let mut stalls = Vec::new();
    let started_at = jiff::Timestamp::now().strftime("%H:%M:%S UTC").to_string();
    let started = Instant::now();
    let mut offset = 0u64;
    let mut next = started;
    while started.elapsed() < spec.duration {
        let at = Instant::now();
        file.write_all_at(&buffer, offset)?;
        file.sync_data()?;
        let took = at.elapsed();
        histogram.saturating_record(took.as_micros().max(1) as u64);
        if took > STALL {
            stalls.push(((at - started).as_secs_f64(), took.as_secs_f64() * 1e3));
        }
        offset += spec.write_bytes as u64;
        if offset + spec.write_bytes as u64 > spec.file_bytes {
            offset = 0;
        }
        next += interval;
        match next.checked_duration_since(Instant::now()) {
            Some(wait) => std::thread::sleep(wait),
            // Behind (a stall): go on from now rather than catch up in a burst.
            None => next = Instant::now(),
        }
    }
    let ms = |quantile: f64| histogram.value_at_quantile(quantile) as f64 / 1e3;
    Ok(DiskReport {
        started_at,
        write_bytes: spec.write_bytes,
        rate: spec.rate,
        seconds: started.elapsed().as_secs_f64(),
        syncs: histogram.len(),
        p50_ms: ms(0.5),
        p99_ms: ms(0.99),
        p999_ms: ms(0.999),
        max_ms: histogram.max() as f64 / 1e3,
        stalls,
    })
}

impl DiskReport {
    /// One markdown paragraph: the figures, then the stalls with their times.
    pub fn markdown(&self) -> String {
        let over = |ms: f64| self.stalls.iter().filter(|(_, took)| *took > ms).count();
        let mut text = format!(
            "Disk alone at {} (`watchfloor-bench disk`: {} KiB written and `fdatasync`ed {} \
             times a second for {:.0} s, in the benchmark's working directory): {} syncs, p50 \
             {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.1} ms; {} over {} ms, {} over 50 ms.",
            self.started_at,
            self.write_bytes / 1024,
            self.rate,
            self.seconds,
            self.syncs,
            self.p50_ms,
            self.p99_ms,
            self.p999_ms,
            self.max_ms,
            over(STALL.as_secs_f64() * 1e3),
            STALL.as_millis(),
            over(50.0),
        );
        if !self.stalls.is_empty() {
            let listed: Vec<String> =
                self.stalls.iter().map(|(at, took)| format!("{took:.0} ms at {at:.1} s")).collect();
            let _ = write!(text, " Over {} ms: {}.", STALL.as_millis(), listed.join(", "));
        }
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_syncs_at_its_rate_and_removes_its_file() {
        let dir = std::env::temp_dir().join(format!("wf-disk-probe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let spec = DiskSpec {
            dir: dir.clone(),
            write_bytes: 8192,
            rate: 50.0,
            duration: Duration::from_millis(300),
            file_bytes: 64 * 1024,
        };
        let report = probe(&spec).expect("probe");
        // 50 a second for 0.3 s: about 15, fewer only if the disk stalled.
        assert!((1..=16).contains(&report.syncs), "{report:?}");
        assert!(report.p50_ms <= report.p99_ms && report.p99_ms <= report.max_ms);
        assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0, "the file is removed");
        let text = report.markdown();
        assert!(text.starts_with("Disk alone"), "{text}");
        assert!(text.contains(&format!("{} syncs", report.syncs)), "{text}");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn stalls_are_listed_with_their_times() {
        let report = DiskReport {
            started_at: "14:45:17 UTC".to_owned(),
            write_bytes: 128 * 1024,
            rate: 500.0,
            seconds: 20.0,
            syncs: 10_000,
            p50_ms: 0.35,
            p99_ms: 0.7,
            p999_ms: 4.1,
            max_ms: 58.8,
            stalls: vec![(6.09, 58.8), (14.09, 16.4)],
        };
        let text = report.markdown();
        assert!(text.starts_with("Disk alone at 14:45:17 UTC ("), "{text}");
        assert!(text.contains("2 over 10 ms, 1 over 50 ms."), "{text}");
        assert!(text.contains("Over 10 ms: 59 ms at 6.1 s, 16 ms at 14.1 s."), "{text}");
    }

    #[test]
    fn a_write_larger_than_the_file_is_refused() {
        let spec = DiskSpec {
            dir: std::env::temp_dir(),
            write_bytes: 2048,
            rate: 1.0,
            duration: Duration::from_millis(1),
            file_bytes: 1024,
        };
        assert!(matches!(probe(&spec), Err(DiskError::Size(2048))));
    }
}
