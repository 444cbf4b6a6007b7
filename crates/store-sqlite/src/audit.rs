//! The audit trail in SQLite.

use probity_store::{AuditEntry, AuditLink, AuditPage, AuditRecord, AuditStore, Hash, StoreError};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::SqliteStore;
use crate::connection::unavailable;

fn hash(bytes: &[u8], what: &str) -> Result<Hash, StoreError> {
    Hash::from_slice(bytes).ok_or_else(|| StoreError::Corrupt(format!("{what} is not 32 bytes")))
}

/// Appends entries inside the caller's transaction, after the current head.
pub(crate) fn append_in(
    tx: &Transaction<'_>,
    entries: &[AuditEntry],
) -> Result<Vec<AuditRecord>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let head = tx
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| {
            s.query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
                .optional()
        })
        .map_err(unavailable)?;
    let head = match head {
        Some((seq, h)) => Some((seq, hash(&h, "the audit head")?)),
        None => None,
    };
    let out = probity_store::audit::seal_entries(head, entries);
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO audit (seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .map_err(unavailable)?;
    for r in &out {
        let e = &r.entry;
        insert
            .execute(params![
                r.seq,
                e.recorded_at,
                e.actor,
                e.role,
                e.action.code(),
                e.target,
                e.outcome.code(),
                e.purpose,
                e.detail,
                &r.prev_hash.0[..],
                &r.hash.0[..],
            ])
            .map_err(unavailable)?;
    }
    Ok(out)
}

/// An audit row as stored: the entry's columns, then the sequence number and the links.
type RawAudit = (
    (i64, String, String, String, String, String, String, String),
    i64,
    Vec<u8>,
    Vec<u8>,
);

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawAudit> {
    Ok((
        (
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
            row.get(5)?,
            row.get(6)?,
            row.get(7)?,
            row.get(8)?,
        ),
        row.get(0)?,
        row.get(9)?,
        row.get(10)?,
    ))
}

#[async_trait::async_trait]
impl AuditStore for SqliteStore {
    async fn read_audit_page(&self, after_seq: i64, limit: i64) -> Result<AuditPage, StoreError> {
        self.readers()
            .scan(move |c| {
                let mut s = c
                    .prepare_cached(
                        "SELECT seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash
                         FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                    )
                    .map_err(unavailable)?;
                let mut rows = s.query([after_seq, limit]).map_err(unavailable)?;
                let mut page = AuditPage::with_capacity(limit.clamp(0, 4096) as usize, 1 << 16);
                while let Some(row) = rows.next().map_err(unavailable)? {
                    let text = |i: usize| row.get_ref(i).and_then(|v| Ok(v.as_str()?)).map_err(unavailable);
                    let link = |i: usize, what: &str| {
                        row.get_ref(i)
                            .and_then(|v| Ok(v.as_blob()?))
                            .map_err(unavailable)
                            .and_then(|b| hash(b, what))
                    };
                    page.push(AuditLink {
                        seq: row.get(0).map_err(unavailable)?,
                        recorded_at: row.get(1).map_err(unavailable)?,
                        actor: text(2)?,
                        role: text(3)?,
                        action: text(4)?,
                        target: text(5)?,
                        outcome: text(6)?,
                        purpose: text(7)?,
                        detail: text(8)?,
                        prev_hash: link(9, "a stored audit link")?,
                        hash: link(10, "a stored audit hash")?,
                    })?;
                }
                Ok(page)
            })
            .await
    }

    async fn audit(&self, entries: &[AuditEntry]) -> Result<Vec<AuditRecord>, StoreError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        self.writer().audit(entries.to_vec()).await
    }

    async fn read_audit(
        &self,
        after_seq: i64,
        limit: i64,
        target: Option<&str>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let target = target.map(str::to_string);
        let rows = self
            .readers()
            .scan(move |c| {
                let columns = "seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash";
                let rows = match &target {
                    Some(t) => c
                        .prepare_cached(&format!(
                            "SELECT {columns} FROM audit WHERE target = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
                        ))
                        .and_then(|mut s| {
                            s.query_map(params![t, after_seq, limit], record)?
                                .collect::<Result<Vec<_>, _>>()
                        }),
                    None => c
                        .prepare_cached(&format!(
                            "SELECT {columns} FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                        ))
                        .and_then(|mut s| {
                            s.query_map(params![after_seq, limit], record)?
                                .collect::<Result<Vec<_>, _>>()
                        }),
                };
                rows.map_err(unavailable)
            })
            .await?;
        rows.into_iter()
            .map(
                |((at, actor, role, action, target, outcome, purpose, detail), seq, prev, h)| {
                    Ok(AuditRecord {
                        seq,
                        entry: AuditEntry::from_stored(
                            at, actor, role, &action, target, &outcome, purpose, detail,
                        )?,
                        prev_hash: hash(&prev, "a stored audit link")?,
                        hash: hash(&h, "a stored audit hash")?,
                    })
                },
            )
            .collect()
    }
}
