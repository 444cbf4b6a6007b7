//! The audit trail in PostgreSQL.

use probity_store::{AuditEntry, AuditLink, AuditPage, AuditRecord, AuditStore, Hash, StoreError};
use sqlx::{PgPool, Postgres, QueryBuilder, Row, Transaction};
use tokio::sync::{mpsc, oneshot};

use crate::{PgStore, ROWS_PER_INSERT, next_group, unavailable};

/// Appends entries inside the caller's transaction, after the current head.
pub(crate) async fn append_in(
    tx: &mut Transaction<'_, Postgres>,
    entries: &[AuditEntry],
) -> Result<Vec<AuditRecord>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(crate::AUDIT_CHAIN_LOCK)
        .execute(&mut **tx)
        .await
        .map_err(unavailable)?;
    let head = sqlx::query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await
        .map_err(unavailable)?;
    let head = match head {
        Some(row) => {
            let h: Vec<u8> = row.get(1);
            Some((
                row.get::<i64, _>(0),
                Hash::from_slice(&h).ok_or_else(|| StoreError::Corrupt("bad audit head".into()))?,
            ))
        }
        None => None,
    };
    let out = probity_store::audit::seal_entries(head, entries);
    // Many rows per statement: one trip to the database for a whole group commit.
    for chunk in out.chunks(ROWS_PER_INSERT) {
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO audit (seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash) ",
        );
        q.push_values(chunk, |mut b, r| {
            let e = &r.entry;
            b.push_bind(r.seq)
                .push_bind(e.recorded_at)
                .push_bind(e.actor.clone())
                .push_bind(e.role.clone())
                .push_bind(e.action.code().into_owned())
                .push_bind(e.target.clone())
                .push_bind(e.outcome.code())
                .push_bind(e.purpose.clone())
                .push_bind(e.detail.clone())
                .push_bind(r.prev_hash.0.to_vec())
                .push_bind(r.hash.0.to_vec());
        });
        q.build().execute(&mut **tx).await.map_err(unavailable)?;
    }
    Ok(out)
}

fn record(row: &sqlx::postgres::PgRow) -> Result<AuditRecord, StoreError> {
    let prev: Vec<u8> = row.get(9);
    let hash: Vec<u8> = row.get(10);
    Ok(AuditRecord {
        seq: row.get(0),
        entry: AuditEntry::from_stored(
            row.get(1),
            row.get(2),
            row.get(3),
            row.get::<&str, _>(4),
            row.get(5),
            row.get::<&str, _>(6),
            row.get(7),
            row.get(8),
        )?,
        prev_hash: Hash::from_slice(&prev)
            .ok_or_else(|| StoreError::Corrupt("a stored audit link is not 32 bytes".into()))?,
        hash: Hash::from_slice(&hash)
            .ok_or_else(|| StoreError::Corrupt("a stored audit hash is not 32 bytes".into()))?,
    })
}

/// Entries waiting for the group commit, with whoever waits on each.
type Waiting = (
    Vec<AuditEntry>,
    oneshot::Sender<Result<Vec<AuditRecord>, StoreError>>,
);

/// Group commit for audit entries that accompany no other write (reads, lists, denials):
/// entries arriving while a commit is under way are written together in the next one, so a
/// burst of reads costs one write transaction, not one each. Callers still wait for their
/// entry to be committed before they answer.
#[derive(Clone)]
pub(crate) struct AuditWriter {
    queue: mpsc::UnboundedSender<Waiting>,
}

impl AuditWriter {
    pub(crate) fn spawn(writer: PgPool) -> AuditWriter {
        let (queue, mut incoming) = mpsc::unbounded_channel::<Waiting>();
        tokio::spawn(async move {
            while let Some(batch) = next_group(&mut incoming, 512).await {
                let entries: Vec<AuditEntry> =
                    batch.iter().flat_map(|(e, _)| e.iter().cloned()).collect();
                let written = async {
                    let mut tx = writer.begin().await.map_err(unavailable)?;
                    let out = append_in(&mut tx, &entries).await?;
                    tx.commit().await.map_err(unavailable)?;
                    Ok::<_, StoreError>(out)
                }
                .await;
                match written {
                    Ok(records) => {
                        let mut rest = records.as_slice();
                        for (mine, reply) in batch {
                            let (theirs, tail) = rest.split_at(mine.len());
                            rest = tail;
                            let _ = reply.send(Ok(theirs.to_vec()));
                        }
                    }
                    Err(e) => {
                        for (_, reply) in batch {
                            let _ = reply.send(Err(StoreError::Unavailable(e.to_string())));
                        }
                    }
                }
            }
        });
        AuditWriter { queue }
    }

    async fn write(&self, entries: &[AuditEntry]) -> Result<Vec<AuditRecord>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((entries.to_vec(), reply))
            .map_err(|_| StoreError::Unavailable("the audit writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the audit writer has stopped".into()))?
    }
}

#[async_trait::async_trait]
impl AuditStore for PgStore {
    async fn read_audit_page(&self, after_seq: i64, limit: i64) -> Result<AuditPage, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash
             FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        let mut page = AuditPage::with_capacity(rows.len(), rows.len() * 128);
        for row in &rows {
            let hash = |i: usize| {
                Hash::from_slice(row.get::<&[u8], _>(i)).ok_or_else(|| {
                    StoreError::Corrupt("a stored audit link is not 32 bytes".into())
                })
            };
            page.push(AuditLink {
                seq: row.get(0),
                recorded_at: row.get(1),
                actor: row.get(2),
                role: row.get(3),
                action: row.get(4),
                target: row.get(5),
                outcome: row.get(6),
                purpose: row.get(7),
                detail: row.get(8),
                prev_hash: hash(9)?,
                hash: hash(10)?,
            })?;
        }
        Ok(page)
    }

    async fn audit(&self, entries: &[AuditEntry]) -> Result<Vec<AuditRecord>, StoreError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        self.audit_writer().write(entries).await
    }

    async fn read_audit(
        &self,
        after_seq: i64,
        limit: i64,
        target: Option<&str>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = match target {
            Some(t) => sqlx::query(
                "SELECT seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash
                 FROM audit WHERE target = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(t)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool())
            .await,
            None => sqlx::query(
                "SELECT seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash
                 FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool())
            .await,
        }
        .map_err(unavailable)?;
        rows.iter().map(record).collect()
    }
}
