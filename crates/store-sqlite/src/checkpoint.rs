//! Checkpoints that do not stall the writer.
//!
//! SQLite's own checkpoint runs inside the commit that crosses 1,000 log pages, so that commit,
//! and every read waiting for its audit entry in it, waited while the whole log was copied into
//! the database and synced (about 14 ms here, at least once a second under load). Instead, a
//! thread of its own copies the log in a passive checkpoint, which never blocks the writer;
//! the writer then copies only what it committed meanwhile and restarts the log, so the log
//! file stays small.

use std::cell::Cell;
use std::ffi::c_int;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use probity_store::StoreError;
use rusqlite::Connection;
use rusqlite::hooks::Wal;

use crate::connection::{BUSY_TIMEOUT, configure, unavailable};

/// When the checkpoints run, in log pages.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Thresholds {
    /// A background pass starts once the log holds this many pages. Bigger passes copy a page
    /// changed many times once: 8,000 ran 20% more reads a second than SQLite's 1,000.
    pub(crate) pass: c_int,
    /// The writer finishes once a pass ended with at most this many pages written during it;
    /// more, and another pass goes first.
    pub(crate) finish: c_int,
    /// Past this many pages the writer finishes whatever was written during the pass, so a
    /// writer faster than the background copy cannot grow the log without bound.
    pub(crate) limit: c_int,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            pass: 8000,
            finish: 128,
            limit: 32_000,
        }
    }
}

thread_local! {
    /// Pages in the log after the last commit of the writer on this thread.
    static LOG_PAGES: Cell<c_int> = const { Cell::new(0) };
}

/// SQLite's WAL hook on the write connection. Installing it also turns off SQLite's own
/// checkpoints on that connection.
fn note_log_pages(_: &Wal, pages: c_int) -> rusqlite::Result<()> {
    LOG_PAGES.set(pages);
    Ok(())
}

/// Readers hold the log for microseconds; the writer waits that long for them, not the
/// millisecond steps of SQLite's busy timeout.
fn brief_wait(attempt: i32) -> bool {
    if attempt >= 100 {
        return false;
    }
    std::thread::sleep(Duration::from_micros(20));
    true
}

/// The writer's side of the checkpoints: owned by the writer thread.
pub(crate) struct Checkpoints {
    thresholds: Thresholds,
    wake: mpsc::SyncSender<()>,
    done: mpsc::Receiver<()>,
    /// Log pages when the running (or just ended) background pass was asked for.
    pending: Option<c_int>,
}

impl Checkpoints {
    /// Hooks the write connection and starts the background thread, which ends when this is
    /// dropped.
    pub(crate) fn start(
        path: &Path,
        writer: &Connection,
        thresholds: Thresholds,
    ) -> Result<Checkpoints, StoreError> {
        let c = Connection::open(path).map_err(unavailable)?;
        configure(&c).map_err(unavailable)?;
        let file = std::fs::File::open(path)
            .map_err(|e| StoreError::Unavailable(format!("cannot open the database file: {e}")))?;
        writer.wal_hook(Some(note_log_pages));
        let (wake, woken) = mpsc::sync_channel::<()>(1);
        let (ended, done) = mpsc::sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    // A pass that fails leaves the log to the next one; nothing is lost.
                    let _ = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    // SQLite syncs the database only after a pass that caught up with the
                    // writer; syncing here leaves the writer's final sync little to write.
                    let _ = file.sync_data();
                    if ended.send(()).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpointer: {e}")))?;
        Ok(Checkpoints {
            thresholds,
            wake,
            done,
            pending: None,
        })
    }

    /// Called by the writer between transactions: starts a background pass once the log has
    /// grown, and after one has ended, copies the rest and restarts the log.
    pub(crate) fn after_write(&mut self, writer: &Connection) {
        let pages = LOG_PAGES.get();
        let t = self.thresholds;
        let Some(asked) = self.pending else {
            if pages >= t.pass {
                self.pass(writer, pages);
            }
            return;
        };
        // Past the limit the writer waits for the pass: the background copy sets the pace.
        let ended = if pages >= t.limit {
            self.done
                .recv()
                .map_err(|_| mpsc::TryRecvError::Disconnected)
        } else {
            self.done.try_recv()
        };
        if ended == Err(mpsc::TryRecvError::Empty) {
            return;
        }
        if pages - asked > t.finish && pages < t.limit && ended.is_ok() {
            // Much was written during the pass: copy that in the background too.
            self.pass(writer, pages);
        } else {
            self.pending = None;
            finish(writer);
        }
    }

    fn pass(&mut self, writer: &Connection, pages: c_int) {
        if self.wake.try_send(()).is_ok() {
            self.pending = Some(pages);
        } else {
            // The background thread is gone: the writer checkpoints, as SQLite would.
            self.pending = None;
            finish(writer);
        }
    }
}

/// Copies what the background pass left and makes the next commit write the log from its
/// start. If readers or another process keep it busy, the log just grows until the next pass.
fn finish(writer: &Connection) {
    if writer.busy_handler(Some(brief_wait)).is_err() {
        return;
    }
    let restarted = writer.query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| r.get::<_, i64>(0));
    if matches!(restarted, Ok(0)) {
        LOG_PAGES.set(0);
    }
    let _ = writer.busy_timeout(BUSY_TIMEOUT);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Pages the log file holds, from its size (a 32-byte header, then 24 bytes and a page per
    /// frame).
    fn log_file_pages(path: &Path) -> u64 {
        let wal = path.with_extension("db-wal");
        std::fs::metadata(wal).map_or(0, |m| m.len().saturating_sub(32) / (24 + 4096))
    }

    #[test]
    fn the_log_is_copied_and_restarted_while_writes_and_reads_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let writer = Connection::open(&path).unwrap();
        configure(&writer).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL);",
            )
            .unwrap();
        let thresholds = Thresholds {
            pass: 64,
            finish: 8,
            limit: 256,
        };
        let mut checkpoints = Checkpoints::start(&path, &writer, thresholds).unwrap();

        // A reader that keeps counting while the log is copied and restarted under it.
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (path, stop) = (path.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let c = Connection::open(&path).unwrap();
                let mut last = 0i64;
                while !stop.load(Ordering::Relaxed) {
                    let n: i64 = c
                        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                        .unwrap();
                    assert!(n >= last, "a reader saw rows disappear");
                    last = n;
                }
            })
        };

        let (mut restarts, mut largest) = (0, 0);
        let mut before = 0;
        for i in 0..3_000 {
            // About one page a row, one row a commit.
            writer
                .execute("INSERT INTO t (v) VALUES (randomblob(3000))", [])
                .unwrap();
            checkpoints.after_write(&writer);
            let pages = LOG_PAGES.get();
            if pages < before {
                restarts += 1;
            }
            before = pages;
            largest = largest.max(log_file_pages(&path));
            if i % 100 == 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        stop.store(true, Ordering::Relaxed);
        reader.join().unwrap();

        assert!(restarts >= 5, "the log restarted {restarts} times");
        // The limit, plus what a pass can see written while it runs.
        assert!(
            largest <= 2 * thresholds.limit as u64,
            "the log file reached {largest} pages"
        );
        let (rows, check): (i64, String) = writer
            .query_row(
                "SELECT count(*), (SELECT integrity_check FROM pragma_integrity_check) FROM t",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((rows, check.as_str()), (3_000, "ok"));
    }
}
