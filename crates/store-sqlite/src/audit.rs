//! The audit trail in SQLite.

use probity_store::{AuditEntry, AuditRecord, AuditStore, Hash, StoreError};
use sqlx::{Row, Sqlite, Transaction};

use crate::{SqliteStore, unavailable};

/// Appends entries inside the caller's transaction, after the current head.
pub(crate) async fn append_in(
    tx: &mut Transaction<'static, Sqlite>,
    entries: &[AuditEntry],
) -> Result<Vec<AuditRecord>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let head = sqlx::query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await
        .map_err(unavailable)?;
    let (mut seq, mut prev) = match head {
        Some(row) => {
            let h: Vec<u8> = row.get(1);
            (
                row.get::<i64, _>(0),
                Hash::from_slice(&h).ok_or_else(|| StoreError::Corrupt("bad audit head".into()))?,
            )
        }
        None => (0, Hash::GENESIS),
    };
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let r = AuditRecord::sealed(seq, e.clone(), prev);
        sqlx::query(
            "INSERT INTO audit (seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(r.seq)
        .bind(e.recorded_at)
        .bind(&e.actor)
        .bind(&e.role)
        .bind(&e.action)
        .bind(&e.target)
        .bind(&e.outcome)
        .bind(&e.purpose)
        .bind(&e.detail)
        .bind(&r.prev_hash.0[..])
        .bind(&r.hash.0[..])
        .execute(&mut **tx)
        .await
        .map_err(unavailable)?;
        prev = r.hash;
        out.push(r);
    }
    Ok(out)
}

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<AuditRecord, StoreError> {
    let prev: Vec<u8> = row.get(9);
    let hash: Vec<u8> = row.get(10);
    Ok(AuditRecord {
        seq: row.get(0),
        entry: AuditEntry {
            recorded_at: row.get(1),
            actor: row.get(2),
            role: row.get(3),
            action: row.get(4),
            target: row.get(5),
            outcome: row.get(6),
            purpose: row.get(7),
            detail: row.get(8),
        },
        prev_hash: Hash::from_slice(&prev)
            .ok_or_else(|| StoreError::Corrupt("a stored audit link is not 32 bytes".into()))?,
        hash: Hash::from_slice(&hash)
            .ok_or_else(|| StoreError::Corrupt("a stored audit hash is not 32 bytes".into()))?,
    })
}

impl AuditStore for SqliteStore {
    async fn audit(&self, entries: &[AuditEntry]) -> Result<Vec<AuditRecord>, StoreError> {
        let mut tx = self.writer().begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)?;
        let out = append_in(&mut tx, entries).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(out)
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
