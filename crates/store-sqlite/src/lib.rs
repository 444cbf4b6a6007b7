//! The SQLite implementation of the storage port: Probity's embedded default.
//! `lib.rs` holds the log and personal data, `read_models.rs` the plain tables (read models and
//! accounts, by the statements `probity_store` writes once), `audit.rs` the audit trail.
//!
//! One file, WAL mode. Reads run on read-only connections in the caller's thread; every write
//! is a `BEGIN IMMEDIATE` transaction on the one write connection, owned by its own thread, so
//! writers queue instead of failing and positions are given out in commit order
//! (`connection.rs`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::{CaseId, PartyId};
use probity_store::{
    Append, AuditEntry, CaseFileData, CaseStream, EventLink, EventLog, EventRecord, Hash, Head,
    LogPage, PersonalDataStore, StoreError,
};
use rusqlite::{Transaction, params};

mod audit;
mod checkpoint;
mod connection;
mod read_models;

use connection::{Readers, Writer, last_link, unavailable};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a full checkpoint waits for other checkpoints and readers: a background pass over
/// the largest log takes a few seconds on a slow disk.
const CHECKPOINT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Clone)]
pub struct SqliteStore {
    readers: Arc<Readers>,
    writer: Writer,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

macro_rules! event_columns {
    () => {
        "position, case_id, version, recorded_at, actor, kind, payload, prev_hash, hash"
    };
}
const EVENT_COLUMNS: &str = event_columns!();
const EVENT_HEAD: &str = "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1";

/// A row of `EVENT_COLUMNS`, borrowed from the statement.
fn event_link<'r>(row: &'r rusqlite::Row<'_>) -> Result<EventLink<'r>, StoreError> {
    let text = |i: usize| -> Result<&'r str, StoreError> {
        row.get_ref(i)
            .and_then(|v| Ok(v.as_str()?))
            .map_err(unavailable)
    };
    let hash = |i: usize| -> Result<Hash, StoreError> {
        let bytes = row
            .get_ref(i)
            .and_then(|v| Ok(v.as_blob()?))
            .map_err(unavailable)?;
        Hash::from_slice(bytes)
            .ok_or_else(|| StoreError::Corrupt("a stored link is not 32 bytes".into()))
    };
    let int = |i: usize| -> Result<i64, StoreError> { row.get(i).map_err(unavailable) };
    Ok(EventLink {
        position: int(0)?,
        case_id: text(1)?,
        version: int(2)?,
        recorded_at: int(3)?,
        actor: text(4)?,
        kind: text(5)?,
        payload: text(6)?,
        prev_hash: hash(7)?,
        hash: hash(8)?,
    })
}

fn events_of(c: &rusqlite::Connection, case_id: &str) -> Result<Vec<EventRecord>, StoreError> {
    let mut s = c
        .prepare_cached(concat!(
            "SELECT ",
            event_columns!(),
            " FROM events WHERE case_id = ?1 ORDER BY version"
        ))
        .map_err(unavailable)?;
    let mut rows = s.query([case_id]).map_err(unavailable)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(unavailable)? {
        out.push(event_link(row)?.to_record());
    }
    Ok(out)
}

fn personal(data: &str) -> Result<PersonalData, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, and brings its schema up to date.
    pub async fn open(path: &str) -> Result<Self, StoreError> {
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        // The schema is migrated with sqlx's migrator (shared with PostgreSQL's layout of
        // versions); the connection is closed before the store's own are opened.
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite:{path}"))
            .map_err(|_| StoreError::BadUrl(format!("sqlite:{path}")))?
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10));
        let migrating = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot open {path}: {e}")))?;
        MIGRATOR
            .run(&migrating)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot migrate {path}: {e}")))?;
        migrating.close().await;
        let path = PathBuf::from(path);
        Ok(SqliteStore {
            readers: Arc::new(Readers::new(path.clone())),
            writer: Writer::start(path.clone())?,
            path,
        })
    }

    /// A read-write connection of its own on the same file, outside the store's discipline:
    /// for benchmarks and for tests that play a hostile administrator.
    pub fn raw_connection(&self) -> Result<rusqlite::Connection, StoreError> {
        let c = rusqlite::Connection::open(&self.path).map_err(unavailable)?;
        connection::configure(&c).map_err(unavailable)?;
        Ok(c)
    }

    /// Copies the write-ahead log into the database file and empties it, so that the file
    /// alone holds everything (before copying it, say).
    ///
    /// SQLite reports a checkpoint it could not finish as a row, not an error: while another
    /// checkpoint runs (the background pass, or another process's) it gives up at once, whatever
    /// the busy timeout. So this tries again until the log is empty, and fails if it never is.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        self.writer
            .run(|c| {
                let started = std::time::Instant::now();
                loop {
                    let busy: i64 = c
                        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                        .map_err(unavailable)?;
                    if busy == 0 {
                        return Ok(());
                    }
                    if started.elapsed() > CHECKPOINT_PATIENCE {
                        return Err(StoreError::Unavailable(
                            "the write-ahead log could not be copied into the database file: \
                             another connection kept it in use"
                                .into(),
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            })
            .await
    }

    /// The database file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub(crate) fn readers(&self) -> &Arc<Readers> {
        &self.readers
    }

    /// The single write connection; every write transaction goes through it.
    pub(crate) fn writer(&self) -> &Writer {
        &self.writer
    }

    /// The migration versions this backend applies, for the parity check with PostgreSQL.
    pub fn migration_versions() -> Vec<(i64, String)> {
        MIGRATOR
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// Writes the batch and ties its audit entries to the events they wrote.
    fn append_in(
        tx: &Transaction<'_>,
        batch: &[Append],
        audit: &mut [AuditEntry],
    ) -> Result<Vec<EventRecord>, StoreError> {
        let head = last_link(tx, EVENT_HEAD)?;
        let mut current: HashMap<String, i64> = HashMap::new();
        {
            let mut version = tx
                .prepare_cached("SELECT MAX(version) FROM events WHERE case_id = ?1")
                .map_err(unavailable)?;
            for a in batch {
                let id = a.case_id.to_string();
                let v: Option<i64> = version
                    .query_row([&id], |r| r.get(0))
                    .map_err(unavailable)?;
                if let Some(v) = v {
                    current.insert(id, v);
                }
            }
        }
        let prepared = probity_store::batch::prepare(batch, head, &current)?;
        prepared.tie(audit)?;
        let mut insert = tx
            .prepare_cached(&format!(
                "INSERT INTO events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))
            .map_err(unavailable)?;
        for r in &prepared.events {
            insert
                .execute(params![
                    r.position,
                    r.case_id,
                    r.version,
                    r.recorded_at,
                    r.actor,
                    r.kind,
                    r.payload,
                    &r.prev_hash.0[..],
                    &r.hash.0[..],
                ])
                .map_err(unavailable)?;
        }
        let mut keep = tx
            .prepare_cached(
                "INSERT INTO personal_data (case_id, party, data, salt) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(unavailable)?;
        for r in &prepared.personal {
            keep.execute(params![r.case_id, r.party, r.data, r.salt])
                .map_err(unavailable)?;
        }
        let mut erase = tx
            .prepare_cached("DELETE FROM personal_data WHERE case_id = ?1 AND party = ?2")
            .map_err(unavailable)?;
        for (case_id, party) in &prepared.erase {
            erase
                .execute(params![case_id, party])
                .map_err(unavailable)?;
        }
        read_models::write(tx, &prepared.read_models)?;
        read_models::run_statements(tx, &prepared.statements)?;
        Ok(prepared.events)
    }
}

#[async_trait::async_trait]
impl EventLog for SqliteStore {
    async fn append(
        &self,
        batch: &[Append],
        audit: &[AuditEntry],
    ) -> Result<Vec<EventRecord>, StoreError> {
        let (batch, mut audit) = (batch.to_vec(), audit.to_vec());
        self.writer
            .transaction(move |tx| {
                let out = Self::append_in(tx, &batch, &mut audit)?;
                audit::append_in(tx, &audit)?;
                Ok(out)
            })
            .await
    }

    async fn read_case(&self, case_id: CaseId) -> Result<Vec<EventRecord>, StoreError> {
        let id = case_id.to_string();
        self.readers.read(|c| events_of(c, &id))
    }

    async fn read_log_page(&self, after_position: i64, limit: i64) -> Result<LogPage, StoreError> {
        self.readers
            .scan(move |c| {
                let mut s = c
                    .prepare_cached(&format!(
                        "SELECT {EVENT_COLUMNS} FROM events WHERE position > ?1 ORDER BY position LIMIT ?2"
                    ))
                    .map_err(unavailable)?;
                let mut rows = s.query([after_position, limit]).map_err(unavailable)?;
                let mut page = LogPage::with_capacity(limit.clamp(0, 4096) as usize, 1 << 16);
                while let Some(row) = rows.next().map_err(unavailable)? {
                    page.push(event_link(row)?)?;
                }
                Ok(page)
            })
            .await
    }

    async fn read_streams(
        &self,
        after_case_id: &str,
        limit: i64,
    ) -> Result<Vec<CaseStream>, StoreError> {
        let after = after_case_id.to_string();
        self.readers
            .scan(move |c| {
                let mut streams: Vec<CaseStream> = Vec::new();
                let mut s = c
                    .prepare_cached(
                        "SELECT case_id, payload, recorded_at FROM events
                         WHERE case_id IN (SELECT DISTINCT case_id FROM events WHERE case_id > ?1 ORDER BY case_id LIMIT ?2)
                         ORDER BY case_id, version",
                    )
                    .map_err(unavailable)?;
                let mut rows = s.query(params![after, limit]).map_err(unavailable)?;
                while let Some(row) = rows.next().map_err(unavailable)? {
                    let case_id = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(unavailable)?;
                    let payload: String = row.get(1).map_err(unavailable)?;
                    let recorded_at: i64 = row.get(2).map_err(unavailable)?;
                    match streams.last_mut() {
                        Some(last) if last.case_id == case_id => {
                            last.payloads.push(payload);
                            last.recorded_at.push(recorded_at);
                        }
                        _ => streams.push(CaseStream {
                            case_id: case_id.to_string(),
                            payloads: vec![payload],
                            recorded_at: vec![recorded_at],
                        }),
                    }
                }
                Ok(streams)
            })
            .await
    }

    async fn head(&self) -> Result<Option<Head>, StoreError> {
        self.readers.read(|c| last_link(c, EVENT_HEAD))
    }

    async fn close(&self) -> Result<(), StoreError> {
        self.checkpoint().await
    }
}

#[async_trait::async_trait]
impl PersonalDataStore for SqliteStore {
    async fn read_case_file(&self, case_id: CaseId) -> Result<CaseFileData, StoreError> {
        let id = case_id.to_string();
        self.readers.read(|c| {
            // Events and personal data from one snapshot.
            c.execute_batch("BEGIN").map_err(unavailable)?;
            let events = events_of(c, &id)?;
            let rows: Vec<(u32, String)> = c
                .prepare_cached("SELECT party, data FROM personal_data WHERE case_id = ?1")
                .and_then(|mut s| {
                    s.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect()
                })
                .map_err(unavailable)?;
            c.execute_batch("COMMIT").map_err(unavailable)?;
            let personal = rows
                .into_iter()
                .map(|(party, data)| Ok((PartyId(party), personal(&data)?)))
                .collect::<Result<_, StoreError>>()?;
            Ok((events, personal))
        })
    }

    async fn sealed_personal_data(
        &self,
        case_id: CaseId,
    ) -> Result<Vec<(PartyId, SealedPersonalData)>, StoreError> {
        let rows: Vec<(u32, String, String)> = self.readers.read(|c| {
            c.prepare_cached(
                "SELECT party, data, salt FROM personal_data WHERE case_id = ?1 ORDER BY party",
            )
            .and_then(|mut s| {
                s.query_map([case_id.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect()
            })
            .map_err(unavailable)
        })?;
        rows.into_iter()
            .map(|(party, data, salt)| {
                Ok((
                    PartyId(party),
                    SealedPersonalData {
                        data: personal(&data)?,
                        salt,
                    },
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
