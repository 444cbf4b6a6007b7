//! How the store talks to SQLite: read-only connections used on the caller's thread, and one
//! write connection owned by a thread of its own.
//!
//! SQLite is a library, not a server: a point read costs a few microseconds in the caller's
//! thread, far less than handing it to a worker thread and waking the caller again. Reads
//! therefore run where they are asked for (scans go to tokio's blocking pool). Writes are
//! serialised through one connection on the writer thread, so that positions follow commit
//! order and no writer spins on SQLite's lock; audit entries that accompany no other write are
//! group-committed there.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use probity_store::{AuditEntry, AuditRecord, Hash, Head, StoreError};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::checkpoint::{Checkpoints, Thresholds};
use tokio::sync::oneshot;

/// Read connections kept for reuse; more are opened when all are busy.
const IDLE_READERS: usize = 16;
/// Entries written in one group commit at most.
const GROUP_COMMIT: usize = 1024;

/// Changes committed together at most (each in a savepoint of the one transaction).
const CHANGES_PER_COMMIT: usize = 64;
/// How long a connection waits for another process's lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn unavailable(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

/// True when `e` is a UNIQUE or PRIMARY KEY violation.
pub(crate) fn is_duplicate(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// The last link of a chain: `sql` selects its number and hash, newest first.
pub(crate) fn last_link(c: &Connection, sql: &str) -> Result<Option<Head>, StoreError> {
    let row = c
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
                .optional()
        })
        .map_err(unavailable)?;
    row.map(|(position, h)| {
        Ok(Head {
            position,
            hash: Hash::from_slice(&h)
                .ok_or_else(|| StoreError::Corrupt("a chain's head is not 32 bytes".into()))?,
        })
    })
    .transpose()
}

pub(crate) fn configure(c: &Connection) -> rusqlite::Result<()> {
    c.busy_timeout(BUSY_TIMEOUT)?;
    c.set_prepared_statement_cache_capacity(64);
    // No memory map: SQLite drops a connection's map with its page cache whenever another
    // connection has committed, and under a steady stream of audit commits the unmapping and
    // page faults cost more than reads into the cache (measured; BENCHMARKS.md).
    // The writer's checkpoints are taken off its thread (`checkpoint.rs`).
    // FULL: a commit is on disk before it is acknowledged, power cut or not (the group commit
    // pays for the sync; BENCHMARKS.md). secure_delete: erased personal data and its salt are
    // overwritten in the file, not left in free pages.
    c.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON;",
    )
}

/// Read-only connections on the database file.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(crate) fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let c = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(unavailable)?;
        configure(&c).map_err(unavailable)?;
        Ok(c)
    }

    /// Runs `f` on a read connection in this thread: for point reads of a few rows.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let taken = self.idle.lock().map(|mut idle| idle.pop()).ok().flatten();
        let c = match taken {
            Some(c) => c,
            None => self.open()?,
        };
        let out = f(&c);
        // A connection goes back only without a transaction left open.
        if !c.is_autocommit() && c.execute_batch("ROLLBACK").is_err() {
            return out;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_READERS
        {
            idle.push(c);
        }
        out
    }

    /// Runs `f` on a read connection in tokio's blocking pool: for scans that may take a while.
    pub(crate) async fn scan<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || me.read(f))
            .await
            .map_err(|e| StoreError::Unavailable(format!("a read stopped: {e}")))?
    }
}

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

enum Job {
    /// Audit entries with no other write: committed together with those queued beside them.
    Audit(Vec<AuditEntry>, Reply<Vec<AuditRecord>>),
    /// A write transaction of its own (the closure begins and commits it).
    Run(Box<dyn FnOnce(&mut Connection) + Send>),
    /// A change run in a savepoint of a transaction shared with the changes queued beside it:
    /// one commit, and one sync of the log, for the group. It gives back what to answer once
    /// the group's commit is known.
    Change(Grouped),
}

/// Given the group's transaction (or why it could not begin), a change runs and gives back its
/// answer.
type Grouped = Box<dyn FnOnce(Result<&rusqlite::Transaction<'_>, &StoreError>) -> Answer + Send>;
type Answer = Box<dyn FnOnce(Result<(), &StoreError>) + Send>;

/// The one write connection, owned by its own thread.
#[derive(Clone)]
pub(crate) struct Writer {
    jobs: mpsc::Sender<Job>,
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the database writer has stopped".into())
}

impl Writer {
    /// Opens the write connection and starts its thread; the thread ends when the last
    /// handle is dropped.
    pub(crate) fn start(path: PathBuf) -> Result<Writer, StoreError> {
        let mut c = Connection::open(&path).map_err(unavailable)?;
        configure(&c).map_err(unavailable)?;
        let mut checkpoints = Checkpoints::start(&path, &c, Thresholds::default())?;
        let (jobs, incoming) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let mut next = incoming.recv().ok();
                while let Some(job) = next.take() {
                    match job {
                        Job::Run(f) => f(&mut c),
                        Job::Change(first) => {
                            let mut group = vec![first];
                            while group.len() < CHANGES_PER_COMMIT {
                                match incoming.try_recv() {
                                    Ok(Job::Change(f)) => group.push(f),
                                    Ok(other) => {
                                        next = Some(other);
                                        break;
                                    }
                                    Err(_) => break,
                                }
                            }
                            commit_change_group(&mut c, group);
                        }
                        Job::Audit(entries, reply) => {
                            let mut group = vec![(entries, reply)];
                            let mut count = group[0].0.len();
                            // Whatever queued up meanwhile goes in the same commit; another
                            // kind of write waits for the next turn of the loop.
                            while count < GROUP_COMMIT {
                                match incoming.try_recv() {
                                    Ok(Job::Audit(e, r)) => {
                                        count += e.len();
                                        group.push((e, r));
                                    }
                                    Ok(other) => {
                                        next = Some(other);
                                        break;
                                    }
                                    Err(_) => break,
                                }
                            }
                            commit_audit_group(&mut c, group);
                        }
                    }
                    checkpoints.after_write(&c);
                    if next.is_none() {
                        next = incoming.recv().ok();
                    }
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `f` on the write connection and waits for its result.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Run(Box::new(move |c| {
                let _ = reply.send(f(c));
            })))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Runs `f` as one change: all of it or none, answered once it is committed. Changes queued
    /// together share an immediate transaction, each in a savepoint of its own, so a failing
    /// one is undone alone while the others commit, and the group pays for one sync.
    pub(crate) async fn transaction<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job: Grouped = Box::new(move |tx| {
            let done = match tx {
                Ok(tx) => in_savepoint(tx, f),
                Err(e) => Err(StoreError::Unavailable(e.to_string())),
            };
            Box::new(move |committed: Result<(), &StoreError>| {
                let _ = reply.send(match committed {
                    Ok(()) => done,
                    Err(e) => done.and(Err(StoreError::Unavailable(e.to_string()))),
                });
            })
        });
        self.jobs.send(Job::Change(job)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Appends audit entries that accompany no other write; callers wait for the commit.
    pub(crate) async fn audit(
        &self,
        entries: Vec<AuditEntry>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Audit(entries, reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Runs `f` in a savepoint of `tx`: kept when it succeeds, undone when it fails.
fn in_savepoint<T>(
    tx: &rusqlite::Transaction<'_>,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    tx.execute_batch("SAVEPOINT change").map_err(unavailable)?;
    match f(tx) {
        Ok(out) => {
            tx.execute_batch("RELEASE change").map_err(unavailable)?;
            Ok(out)
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO change; RELEASE change")
                .map_err(unavailable)?;
            Err(e)
        }
    }
}

/// Runs a group of changes in one transaction and answers each once it is committed.
fn commit_change_group(c: &mut Connection, group: Vec<Grouped>) {
    let tx = match c.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            // Nothing was begun: each change is told so, and none is run.
            let e = unavailable(e);
            for job in group {
                job(Err(&e))(Err(&e));
            }
            return;
        }
    };
    let answers: Vec<Answer> = group.into_iter().map(|job| job(Ok(&tx))).collect();
    let committed = tx.commit().map_err(unavailable);
    for answer in answers {
        answer(committed.as_ref().map(|_| ()));
    }
}

fn commit_audit_group(c: &mut Connection, group: Vec<(Vec<AuditEntry>, Reply<Vec<AuditRecord>>)>) {
    let entries: Vec<AuditEntry> = group.iter().flat_map(|(e, _)| e.iter().cloned()).collect();
    let written = (|| {
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(unavailable)?;
        let out = crate::audit::append_in(&tx, &entries)?;
        tx.commit().map_err(unavailable)?;
        Ok::<_, StoreError>(out)
    })();
    probity_store::audit::answer_group(group, written, |reply, answer| {
        let _ = reply.send(answer);
    });
}
