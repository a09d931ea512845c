//! Prints how fast `parse_cloudtrail_file` maps the invictus-ir dataset, in records per second.
//!
//! `cargo run --release -p watchfloor-ingest --example cloudtrail_rate [samples dir] [rounds]`.
//! It prints a measurement; it asserts nothing about speed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use watchfloor_ingest::parse_cloudtrail_file;

fn main() {
    let mut args = std::env::args().skip(1);
    let samples = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples"));
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let dir = samples.join("cloudtrail/invictus-ir_aws_dataset/CloudTrail");
    let mut files: Vec<(PathBuf, Vec<u8>)> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                (p, bytes)
            })
            .collect(),
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    files.sort();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let now = "2026-11-21T23:00:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut records = 0usize;
    let started = Instant::now();
    for _ in 0..rounds {
        for (path, body) in &files {
            match parse_cloudtrail_file(body, now) {
                Ok(parsed) => records += parsed.len(),
                Err(error) => panic!("{}: {error}", path.display()),
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} files, {} bytes, {} rounds: {records} records in {seconds:.3} s = {:.0} records/s, {:.1} MB/s",
        files.len(),
        bytes,
        rounds,
        records as f64 / seconds,
        (bytes as f64 * f64::from(rounds)) / seconds / 1e6,
    );
}
