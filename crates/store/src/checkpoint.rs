//! Copying SQLite's WAL into the database file while the writer is quiet.
//!
//! SQLite's own checkpoint runs inside the commit that takes the WAL past
//! [`crate::sqlite`]'s threshold: that commit copies every page the WAL
//! holds and syncs the database file, and the requests behind it wait. Under
//! a steady 5,000 alerts/s that was one pause of 10–25 ms every 0.7 s, and
//! the whole of the request p99 (about 20 ms, against a p50 of 1.8 ms).
//!
//! A [`Checkpointer`] copies from a connection and thread of its own
//! (SQLite's `PASSIVE` mode, which never waits for the writer nor makes it
//! wait), so the commit that crosses the threshold finds most of the WAL
//! copied and pauses only for the rest: under the same load, commits over
//! 10 ms fell from 30–39 to 4–13 per 20 s, and on a quiet machine the p99
//! to 3.7–4.1 ms (the disk's own stalls set it on a busy one).
//! It copies only after the engine loop has found nothing queued several
//! times ([`Store::writer_quiet`](crate::Store::writer_quiet)): when commits
//! follow one another flat out, copying beside them slowed every commit's
//! `fsync` (10–25 % fewer alerts/s at batches of 1), and their latency is
//! queueing anyway, so the threshold's single copy is the cheaper one.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::OpenFlags;

use crate::StoreError;

/// Quiet moments that make a copy worth its `fsync`.
const QUIET_TURNS: u64 = 8;
/// The least time between two copies.
const MIN_INTERVAL: Duration = Duration::from_millis(30);

/// The copying thread; it stops when this is stopped or dropped.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// Quiet moments since the last copy.
    quiet: u64,
    stopped: bool,
}

impl Checkpointer {
    /// Starts the thread, with a connection of its own to the database at
    /// `path` (which exists, in WAL mode).
    pub(crate) fn start(path: &Path) -> Result<Self, StoreError> {
        let connection = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // A copy syncs the database file before the WAL may be reused.
        connection.execute_batch("PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0;")?;
        let shared = Arc::new(Shared::default());
        let state = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn(move || state.run(&connection))
            .map_err(StoreError::Thread)?;
        Ok(Self { shared, thread: Mutex::new(Some(thread)) })
    }

    /// The writer committed and found nothing else to do.
    pub(crate) fn quiet(&self) {
        let mut state = self.shared.lock();
        state.quiet += 1;
        if state.quiet == QUIET_TURNS {
            self.shared.wake.notify_one();
        }
    }

    /// Stops the thread, after the copy it may be making.
    pub(crate) fn stop(&self) {
        self.shared.stop();
        let thread = self.thread.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(thread) = thread {
            // A panic there only ends the copying; SQLite's own remains.
            let _ = thread.join();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.stop();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.wake.notify_one();
    }

    fn run(&self, connection: &rusqlite::Connection) {
        let mut last = Instant::now();
        let mut failing = false;
        loop {
            {
                let mut state = self.lock();
                loop {
                    if state.stopped {
                        return;
                    }
                    let due = MIN_INTERVAL.saturating_sub(last.elapsed());
                    if state.quiet >= QUIET_TURNS && due.is_zero() {
                        break;
                    }
                    // Woken by the eighth quiet moment or by a stop; once
                    // quiet enough, the timeout covers the rest of the interval.
                    state = if state.quiet >= QUIET_TURNS {
                        self.wake.wait_timeout(state, due).unwrap_or_else(PoisonError::into_inner).0
                    } else {
                        self.wake.wait(state).unwrap_or_else(PoisonError::into_inner)
                    };
                }
                state.quiet = 0;
            }
            last = Instant::now();
            // Copies the frames no reader still needs. A failure leaves them
            // to SQLite's own checkpoint, and is logged once until a copy
            // succeeds again: one that lasts (a failing disk) shows at once.
            match connection.execute_batch("PRAGMA wal_checkpoint(PASSIVE)") {
                Ok(()) => failing = false,
                Err(error) if !failing => {
                    failing = true;
                    tracing::warn!(%error, "copying the SQLite WAL into the database file failed");
                }
                Err(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The database file's length: SQLite grows it only when it copies the WAL.
    fn copied_len(path: &Path) -> u64 {
        std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0)
    }

    #[test]
    fn copies_the_wal_once_the_writer_has_been_quiet() {
        let dir = tempfile::tempdir().expect("test setup");
        let path = dir.path().join("db.sqlite");
        let writer = rusqlite::Connection::open(&path).expect("test setup");
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; \
                 CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(200000));",
            )
            .expect("test setup");
        assert!(copied_len(&path) < 100_000);
        let checkpointer = Checkpointer::start(&path).expect("test setup");

        // Fewer quiet moments than it waits for: nothing is copied.
        for _ in 1..QUIET_TURNS {
            checkpointer.quiet();
        }
        std::thread::sleep(MIN_INTERVAL * 5);
        assert!(copied_len(&path) < 100_000, "copied before the writer was quiet enough");

        checkpointer.quiet();
        let deadline = Instant::now() + Duration::from_secs(10);
        while copied_len(&path) < 200_000 {
            assert!(Instant::now() < deadline, "the WAL was not copied");
            std::thread::sleep(Duration::from_millis(5));
        }
        // It waits for the next quiet moments, and stop ends it: `stop`
        // returns only once the thread has (it joins).
        let running =
            checkpointer.thread.lock().map(|t| t.as_ref().is_some_and(|t| !t.is_finished()));
        assert!(matches!(running, Ok(true)), "the thread ended after one copy");
        checkpointer.stop();
    }
}
