//! The audit trail in SQLite.

use probity_store::{AuditEntry, AuditLink, AuditPage, AuditRecord, AuditStore, Hash, StoreError};
use rusqlite::{Transaction, params};

use crate::SqliteStore;
use crate::connection::{last_link, unavailable};

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
    let head = last_link(tx, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?;
    let out = probity_store::audit::seal_entries(head.map(|h| (h.position, h.hash)), entries);
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO audit (seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash, wrote)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
                e.wrote_text(),
            ])
            .map_err(unavailable)?;
    }
    Ok(out)
}

const COLUMNS: &str = "seq, recorded_at, actor, role, action, target, outcome, purpose, detail, prev_hash, hash, wrote";

/// A row of `COLUMNS`, borrowed from the statement.
fn audit_link<'r>(row: &'r rusqlite::Row<'_>) -> Result<AuditLink<'r>, StoreError> {
    let text = |i: usize| {
        row.get_ref(i)
            .and_then(|v| Ok(v.as_str()?))
            .map_err(unavailable)
    };
    let link = |i: usize, what: &str| {
        row.get_ref(i)
            .and_then(|v| Ok(v.as_blob()?))
            .map_err(unavailable)
            .and_then(|b| hash(b, what))
    };
    Ok(AuditLink {
        seq: row.get(0).map_err(unavailable)?,
        recorded_at: row.get(1).map_err(unavailable)?,
        actor: text(2)?,
        role: text(3)?,
        action: text(4)?,
        target: text(5)?,
        outcome: text(6)?,
        purpose: text(7)?,
        detail: text(8)?,
        wrote: text(11)?,
        prev_hash: link(9, "a stored audit link")?,
        hash: link(10, "a stored audit hash")?,
    })
}

/// Up to `limit` rows after `after_seq`, optionally about `target` only.
fn page(
    c: &rusqlite::Connection,
    after_seq: i64,
    limit: i64,
    target: Option<&str>,
) -> Result<AuditPage, StoreError> {
    let sql = match target {
        Some(_) => format!(
            "SELECT {COLUMNS} FROM audit WHERE target = ?3 AND seq > ?1 ORDER BY seq LIMIT ?2"
        ),
        None => format!("SELECT {COLUMNS} FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
    };
    let mut s = c.prepare_cached(&sql).map_err(unavailable)?;
    let mut rows = match target {
        Some(t) => s.query(params![after_seq, limit, t]),
        None => s.query(params![after_seq, limit]),
    }
    .map_err(unavailable)?;
    let mut page = AuditPage::with_capacity(limit.clamp(0, 4096) as usize, 1 << 16);
    while let Some(row) = rows.next().map_err(unavailable)? {
        page.push(audit_link(row)?)?;
    }
    Ok(page)
}

#[async_trait::async_trait]
impl AuditStore for SqliteStore {
    async fn read_audit_page(&self, after_seq: i64, limit: i64) -> Result<AuditPage, StoreError> {
        self.readers()
            .scan(move |c| page(c, after_seq, limit, None))
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
        self.readers()
            .scan(move |c| page(c, after_seq, limit, target.as_deref())?.into_records())
            .await
    }
}
