//! The PostgreSQL implementation of the storage port, for deployments that outgrow one machine.
//!
//! Several application servers may share one database: every append takes a transaction-scoped
//! advisory lock before reading the chain head, so positions and links are given out in commit
//! order with no gaps, whatever the number of concurrent writers.

use std::time::Duration;

use probity_domain::party::SealedPersonalData;
use probity_domain::{CaseId, PartyId};
use probity_store::{
    Append, AuditEntry, CaseFileData, CaseStream, EventLink, EventLog, EventRecord, Hash, Head,
    LogPage, PersonalDataStore, StoreError,
};

mod appends;
mod audit;
mod read_models;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, QueryBuilder, Row, Transaction};

/// Rows per multi-row statement: well under PostgreSQL's limit of 65,535 bound parameters.
pub(crate) const ROWS_PER_INSERT: usize = 400;

/// Waits for the next job, then takes whatever else is queued, up to `limit` in all: the jobs
/// that one commit serves. `None` once every sender is gone.
pub(crate) async fn next_group<T>(
    incoming: &mut tokio::sync::mpsc::UnboundedReceiver<T>,
    limit: usize,
) -> Option<Vec<T>> {
    let mut group = vec![incoming.recv().await?];
    while group.len() < limit {
        match incoming.try_recv() {
            Ok(more) => group.push(more),
            Err(_) => break,
        }
    }
    Some(group)
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    appends: appends::Appends,
    audit: audit::AuditWriter,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgStore")
    }
}

const EVENT_HEAD: &str = "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1";

/// The last link of a chain: `sql` selects its number and hash, newest first.
pub(crate) async fn last_link<'e, E>(on: E, sql: &'static str) -> Result<Option<Head>, StoreError>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    let row = sqlx::query(sql)
        .fetch_optional(on)
        .await
        .map_err(unavailable)?;
    row.map(|r| {
        Ok(Head {
            position: r.get(0),
            hash: Hash::from_slice(r.get::<&[u8], _>(1))
                .ok_or_else(|| StoreError::Corrupt("a chain's head is not 32 bytes".into()))?,
        })
    })
    .transpose()
}

pub(crate) fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

const CASE_EVENTS_JSON: &str = "SELECT json_agg(json_build_array(position, version, recorded_at, actor, kind, payload, encode(prev_hash, 'hex'), encode(hash, 'hex')) ORDER BY version)::text
     FROM events WHERE case_id = $1";

/// Advisory lock keys: one for the event chain, one for the audit chain. A transaction that
/// needs both takes the event lock first.
pub(crate) const EVENT_CHAIN_LOCK: i64 = 0x7072_6f62_0001;
pub(crate) const AUDIT_CHAIN_LOCK: i64 = 0x7072_6f62_0002;

impl PgStore {
    /// Connects to `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|_| StoreError::BadUrl(url.to_string()))?;
        Self::connect(options).await
    }

    /// Connects with every session's `search_path` set to `schema` (created if missing): one
    /// database can hold several independent stores, as the tests do.
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|_| StoreError::BadUrl(url.to_string()))?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot connect: {e}")))?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\""
        )))
        .execute(&admin)
        .await
        .map_err(unavailable)?;
        admin.close().await;
        Self::connect(options.options([("search_path", schema)])).await
    }

    async fn connect(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot connect: {e}")))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot migrate: {e}")))?;
        let audit = audit::AuditWriter::spawn(pool.clone());
        let appends = appends::Appends::spawn(pool.clone());
        Ok(PgStore {
            pool,
            appends,
            audit,
        })
    }

    /// The pool, for benchmarks and for tests that play a hostile administrator.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn audit_writer(&self) -> &audit::AuditWriter {
        &self.audit
    }

    /// The migration versions this backend applies, for the parity check with PostgreSQL.
    pub fn migration_versions() -> Vec<(i64, String)> {
        MIGRATOR
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    async fn append_in(
        tx: &mut Transaction<'_, Postgres>,
        batch: &[Append],
        audit: &mut [AuditEntry],
    ) -> Result<Vec<EventRecord>, StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(EVENT_CHAIN_LOCK)
            .execute(&mut **tx)
            .await
            .map_err(unavailable)?;
        let head = last_link(&mut **tx, EVENT_HEAD).await?;
        // Every case's current version, in one query.
        let mut current: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for chunk in batch.chunks(ROWS_PER_INSERT) {
            let mut q = QueryBuilder::<Postgres>::new(
                "SELECT case_id, MAX(version) FROM events WHERE case_id IN (",
            );
            let mut ids = q.separated(", ");
            for a in chunk {
                ids.push_bind(a.case_id.to_string());
            }
            q.push(") GROUP BY case_id");
            for row in q.build().fetch_all(&mut **tx).await.map_err(unavailable)? {
                current.insert(row.get(0), row.get(1));
            }
        }
        let prepared = probity_store::batch::prepare(batch, head, &current)?;
        prepared.tie(audit)?;
        for chunk in prepared.events.chunks(ROWS_PER_INSERT) {
            let mut q = QueryBuilder::<Postgres>::new(
                "INSERT INTO events (position, case_id, version, recorded_at, actor, kind, payload, prev_hash, hash) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.position)
                    .push_bind(r.case_id.clone())
                    .push_bind(r.version)
                    .push_bind(r.recorded_at)
                    .push_bind(r.actor.clone())
                    .push_bind(r.kind.clone())
                    .push_bind(r.payload.clone())
                    .push_bind(r.prev_hash.0.to_vec())
                    .push_bind(r.hash.0.to_vec());
            });
            q.build().execute(&mut **tx).await.map_err(unavailable)?;
        }
        for chunk in prepared.personal.chunks(ROWS_PER_INSERT) {
            let mut q = QueryBuilder::<Postgres>::new(
                "INSERT INTO personal_data (case_id, party, data, salt) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.case_id.clone())
                    .push_bind(r.party)
                    .push_bind(r.data.clone())
                    .push_bind(r.salt.clone());
            });
            q.build().execute(&mut **tx).await.map_err(unavailable)?;
        }
        for (case_id, party) in &prepared.erase {
            sqlx::query("DELETE FROM personal_data WHERE case_id = $1 AND party = $2")
                .bind(case_id)
                .bind(party)
                .execute(&mut **tx)
                .await
                .map_err(unavailable)?;
        }
        read_models::write(tx, &prepared.read_models).await?;
        read_models::run_statements(tx, &prepared.statements).await?;
        Ok(prepared.events)
    }
}

#[async_trait::async_trait]
impl EventLog for PgStore {
    async fn append(
        &self,
        batch: &[Append],
        audit: &[AuditEntry],
    ) -> Result<Vec<EventRecord>, StoreError> {
        self.appends.append(batch, audit).await
    }

    async fn read_case(&self, case_id: CaseId) -> Result<Vec<EventRecord>, StoreError> {
        // One row, built in the database: a case's events cross the driver as one JSON array.
        let id = case_id.to_string();
        let joined: Option<String> = sqlx::query_scalar(CASE_EVENTS_JSON)
            .bind(&id)
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)?;
        probity_store::batch::records_from_json(&id, joined.as_deref())
    }

    async fn read_log_page(&self, after_position: i64, limit: i64) -> Result<LogPage, StoreError> {
        let rows = sqlx::query("SELECT position, case_id, version, recorded_at, actor, kind, payload, prev_hash, hash FROM events WHERE position > $1 ORDER BY position LIMIT $2")
            .bind(after_position)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        let mut page = LogPage::with_capacity(rows.len(), rows.len() * 512);
        for row in &rows {
            let hash = |i: usize| {
                Hash::from_slice(row.get::<&[u8], _>(i))
                    .ok_or_else(|| StoreError::Corrupt("a stored link is not 32 bytes".into()))
            };
            page.push(EventLink {
                position: row.get(0),
                case_id: row.get(1),
                version: row.get(2),
                recorded_at: row.get(3),
                actor: row.get(4),
                kind: row.get(5),
                payload: row.get(6),
                prev_hash: hash(7)?,
                hash: hash(8)?,
            })?;
        }
        Ok(page)
    }

    async fn read_streams(
        &self,
        after_case_id: &str,
        limit: i64,
    ) -> Result<Vec<CaseStream>, StoreError> {
        // One row per case, joined in the database: far fewer rows cross the driver than one per event.
        // The separator, U+001E, never occurs raw in JSON text.
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT case_id, string_agg(payload, chr(30) ORDER BY version),
                    string_agg(recorded_at::text, ',' ORDER BY version) FROM events
             WHERE case_id > $1 GROUP BY case_id ORDER BY case_id LIMIT $2",
        )
        .bind(after_case_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.into_iter()
            .map(|(case_id, joined, recorded_at)| {
                let recorded_at = recorded_at
                    .split(',')
                    .map(|t| {
                        t.parse().map_err(|_| {
                            StoreError::Corrupt(format!("case {case_id}: recorded_at '{t}'"))
                        })
                    })
                    .collect::<Result<Vec<i64>, _>>()?;
                Ok(CaseStream {
                    payloads: joined.split('\u{1e}').map(str::to_string).collect(),
                    case_id,
                    recorded_at,
                })
            })
            .collect()
    }

    async fn head(&self) -> Result<Option<Head>, StoreError> {
        last_link(&self.pool, EVENT_HEAD).await
    }

    async fn close(&self) -> Result<(), StoreError> {
        self.pool.close().await;
        Ok(())
    }
}

#[async_trait::async_trait]
impl PersonalDataStore for PgStore {
    async fn read_case_file(&self, case_id: CaseId) -> Result<CaseFileData, StoreError> {
        let id = case_id.to_string();
        let (events, personal): (Option<String>, Option<String>) = sqlx::query_as(
            "SELECT (SELECT json_agg(json_build_array(position, version, recorded_at, actor, kind, payload, encode(prev_hash, 'hex'), encode(hash, 'hex')) ORDER BY version)::text
                     FROM events WHERE case_id = $1),
                    (SELECT json_agg(json_build_array(party, data))::text FROM personal_data WHERE case_id = $1)",
        )
        .bind(&id)
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        let events = probity_store::batch::records_from_json(&id, events.as_deref())?;
        let rows: Vec<(u32, String)> = serde_json::from_str(personal.as_deref().unwrap_or("[]"))
            .map_err(|e| {
                StoreError::Corrupt(format!("personal data of {id} does not read back: {e}"))
            })?;
        let personal = rows
            .into_iter()
            .map(|(party, data)| {
                serde_json::from_str(&data)
                    .map(|d| (PartyId(party), d))
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        Ok((events, personal))
    }

    async fn sealed_personal_data(
        &self,
        case_id: CaseId,
    ) -> Result<Vec<(PartyId, SealedPersonalData)>, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT party, data, salt FROM personal_data WHERE case_id = $1 ORDER BY party",
        )
        .bind(case_id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.into_iter()
            .map(|(party, data, salt)| {
                let party = u32::try_from(party)
                    .map_err(|_| StoreError::Corrupt(format!("party {party}")))?;
                let data =
                    serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((PartyId(party), SealedPersonalData { data, salt }))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
