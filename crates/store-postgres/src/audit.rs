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
    let head = crate::last_link(
        &mut **tx,
        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    )
    .await?;
    let out = probity_store::audit::seal_entries(head.map(|h| (h.position, h.hash)), entries);
    // Many rows per statement: one trip to the database for a whole group commit.
    for chunk in out.chunks(ROWS_PER_INSERT) {
        let mut q = QueryBuilder::<Postgres>::new(
            "INSERT INTO audit (seq, recorded_at, actor, role, action, target, outcome, purpose, detail, wrote, prev_hash, hash) ",
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
                .push_bind(e.wrote_text())
                .push_bind(r.prev_hash.0.to_vec())
                .push_bind(r.hash.0.to_vec());
        });
        q.build().execute(&mut **tx).await.map_err(unavailable)?;
    }
    Ok(out)
}

/// Up to `limit` rows after `after_seq`, optionally about `target` only, packed.
async fn page(
    pool: &PgPool,
    after_seq: i64,
    limit: i64,
    target: Option<&str>,
) -> Result<AuditPage, StoreError> {
    const COLUMNS: &str = "seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash, wrote";
    let sql = match target {
        Some(_) => format!(
            "SELECT {COLUMNS} FROM audit WHERE target = $3 AND seq > $1 ORDER BY seq LIMIT $2"
        ),
        None => format!("SELECT {COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"),
    };
    let query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after_seq)
        .bind(limit);
    let query = match target {
        Some(t) => query.bind(t),
        None => query,
    };
    let rows = query.fetch_all(pool).await.map_err(unavailable)?;
    let mut page = AuditPage::with_capacity(rows.len(), rows.len() * 128);
    for row in &rows {
        let hash = |i: usize| {
            Hash::from_slice(row.get::<&[u8], _>(i))
                .ok_or_else(|| StoreError::Corrupt("a stored audit link is not 32 bytes".into()))
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
            wrote: row.get(11),
            prev_hash: hash(9)?,
            hash: hash(10)?,
        })?;
    }
    Ok(page)
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
                probity_store::audit::answer_group(batch, written, |reply, answer| {
                    let _ = reply.send(answer);
                });
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
        page(self.pool(), after_seq, limit, None).await
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
        page(self.pool(), after_seq, limit, target)
            .await?
            .into_records()
    }
}
