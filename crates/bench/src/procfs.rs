//! What a server process costs, read from `/proc`: CPU seconds (utime + stime) and peak RSS (VmHWM).

use std::path::Path;

/// Clock ticks per second of `/proc/PID/stat` times (`getconf CLK_TCK`; 100 on Linux).
pub fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// The fields of `/proc/PID/stat` after the command name, which may contain spaces.
fn stat_fields(pid: u32) -> Option<Vec<u64>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = text.rsplit_once(')')?;
    // rest[0] is the state letter (field 3); numbers follow from field 4 (ppid).
    Some(rest.split_whitespace().skip(1).map(|word| word.parse().unwrap_or(0)).collect())
}

/// Field numbers as in proc(5), 1-based, for fields from 4 (ppid) on.
fn field(fields: &[u64], number: usize) -> u64 {
    fields.get(number - 4).copied().unwrap_or(0)
}

/// CPU ticks a process has used itself (utime + stime).
pub fn own_cpu_ticks(pid: u32) -> Option<u64> {
    let fields = stat_fields(pid)?;
    Some(field(&fields, 14) + field(&fields, 15))
}

/// CPU ticks of a process and all its children, live and exited (for a
/// PostgreSQL postmaster: the whole cluster, backends included).
pub fn tree_cpu_ticks(pid: u32) -> Option<u64> {
    let fields = stat_fields(pid)?;
    // utime + stime + cutime + cstime (children already waited for).
    let mut total =
        field(&fields, 14) + field(&fields, 15) + field(&fields, 16) + field(&fields, 17);
    let entries = std::fs::read_dir("/proc").ok()?;
    for entry in entries.flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(child_fields) = stat_fields(child)
            && field(&child_fields, 4) == u64::from(pid)
        {
            total += field(&child_fields, 14) + field(&child_fields, 15);
        }
    }
    Some(total)
}

/// CPU ticks the whole machine spent busy (all cores, all processes), from `/proc/stat`.
pub fn machine_busy_ticks() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> =
        line.split_whitespace().skip(1).map(|w| w.parse().unwrap_or(0)).collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let busy = [0, 1, 2, 5, 6, 7].iter().map(|&i| fields.get(i).copied().unwrap_or(0)).sum();
    Some(busy)
}

/// Bytes a process caused to be sent to storage (`write_bytes` of `/proc/PID/io`).
pub fn storage_write_bytes(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    text.lines().find_map(|line| line.strip_prefix("write_bytes:")?.trim().parse().ok())
}

/// A `kB` line of `/proc/PID/status`, in bytes.
pub fn status_bytes(pid: u32, key: &str) -> Option<u64> {
    let text =
        std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status")).ok()?;
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        let kib: u64 = value.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kib * 1024)
    })
}

/// Peak resident set size since the process started.
pub fn peak_rss_bytes(pid: u32) -> Option<u64> {
    status_bytes(pid, "VmHWM")
}

/// Current resident set size.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    status_bytes(pid, "VmRSS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        assert!(own_cpu_ticks(pid).is_some());
        assert!(tree_cpu_ticks(pid).is_some());
        assert!(peak_rss_bytes(pid).unwrap_or(0) > 0);
        assert!(rss_bytes(pid).unwrap_or(0) > 0);
        assert!(clock_ticks_per_second() > 0.0);
        assert!(machine_busy_ticks().is_some());
        assert!(storage_write_bytes(pid).is_some());
    }
}
