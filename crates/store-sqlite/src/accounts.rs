//! Accounts, sessions, tokens and log-in throttling in SQLite.

use probity_store::{AccountStore, AuditEntry, Hash, StoreError, UserRecord};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::SqliteStore;
use crate::audit;
use crate::connection::{is_duplicate, unavailable};

const USER_COLUMNS: &str =
    "u.username, u.role, u.body, u.force, u.password_hash, u.disabled, u.created_at";

fn user(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        username: row.get(0)?,
        role: row.get(1)?,
        body: row.get(2)?,
        force: row.get(3)?,
        password_hash: row.get(4)?,
        disabled: row.get(5)?,
        created_at: row.get(6)?,
    })
}

impl SqliteStore {
    /// Runs `f` and appends the audit entry in one write transaction; returns the rows `f` changed.
    async fn with_audit(
        &self,
        audit_entry: &AuditEntry,
        f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<usize> + Send + 'static,
    ) -> Result<usize, StoreError> {
        let entry = audit_entry.clone();
        self.writer()
            .transaction(move |tx| {
                let changed = f(tx).map_err(|e| {
                    if is_duplicate(&e) {
                        StoreError::Duplicate(entry.target.clone())
                    } else {
                        unavailable(e)
                    }
                })?;
                audit::append_in(tx, std::slice::from_ref(&entry))?;
                Ok(changed)
            })
            .await
    }

    /// One user found by `sql` (which selects USER_COLUMNS) with `params`.
    fn one_user(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Option<UserRecord>, StoreError> {
        self.readers().read(|c| {
            c.prepare_cached(sql)
                .and_then(|mut s| s.query_row(params, user).optional())
                .map_err(unavailable)
        })
    }
}

#[async_trait::async_trait]
impl AccountStore for SqliteStore {
    async fn add_user(&self, u: &UserRecord, audit_entry: &AuditEntry) -> Result<(), StoreError> {
        let u = u.clone();
        self.with_audit(audit_entry, move |tx| {
            tx.execute(
                "INSERT INTO users (username, role, body, force, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![u.username, u.role, u.body, u.force, u.password_hash, u.disabled, u.created_at],
            )
        })
        .await
        .map(|_| ())
    }

    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        self.one_user(
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1"),
            [username],
        )
    }

    async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        self.readers().read(|c| {
            c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u ORDER BY u.username"
            ))
            .and_then(|mut s| s.query_map([], user)?.collect())
            .map_err(unavailable)
        })
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        audit_entry: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (username, hash) = (username.to_string(), password_hash.to_string());
        let changed = self
            .with_audit(audit_entry, move |tx| {
                let n = tx.execute(
                    "UPDATE users SET password_hash = ?2 WHERE username = ?1",
                    params![username, hash],
                )?;
                // A new password ends every other way in.
                tx.execute("DELETE FROM sessions WHERE username = ?1", [&username])?;
                Ok(n)
            })
            .await?;
        Ok(changed > 0)
    }

    async fn disable_user(
        &self,
        username: &str,
        audit_entry: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let username = username.to_string();
        let changed = self
            .with_audit(audit_entry, move |tx| {
                let n = tx.execute(
                    "UPDATE users SET disabled = 1 WHERE username = ?1",
                    [&username],
                )?;
                tx.execute("DELETE FROM sessions WHERE username = ?1", [&username])?;
                tx.execute("DELETE FROM api_tokens WHERE username = ?1", [&username])?;
                Ok(n)
            })
            .await?;
        Ok(changed > 0)
    }

    async fn create_session(
        &self,
        token_hash: Hash,
        username: &str,
        expires_at: i64,
        audit_entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let username = username.to_string();
        self.with_audit(audit_entry, move |tx| {
            tx.execute(
                "INSERT INTO sessions (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
                params![&token_hash.0[..], username, expires_at],
            )
        })
        .await
        .map(|_| ())
    }

    async fn session_user(
        &self,
        token_hash: Hash,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        self.one_user(
            &format!(
                "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.username = s.username
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0"
            ),
            params![&token_hash.0[..], now],
        )
    }

    async fn end_session(
        &self,
        token_hash: Hash,
        audit_entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.with_audit(audit_entry, move |tx| {
            tx.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                [&token_hash.0[..]],
            )
        })
        .await
        .map(|_| ())
    }

    async fn create_token(
        &self,
        token_hash: Hash,
        username: &str,
        label: &str,
        audit_entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let (username, label) = (username.to_string(), label.to_string());
        let at = audit_entry.recorded_at;
        self.with_audit(audit_entry, move |tx| {
            tx.execute(
                "INSERT INTO api_tokens (token_hash, username, label, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![&token_hash.0[..], username, label, at],
            )
        })
        .await
        .map(|_| ())
    }

    async fn token_user(&self, token_hash: Hash) -> Result<Option<UserRecord>, StoreError> {
        self.one_user(
            &format!(
                "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.username = t.username
                 WHERE t.token_hash = ?1 AND u.disabled = 0"
            ),
            [&token_hash.0[..]],
        )
    }

    async fn login_failures(&self, username: &str, since: i64) -> Result<i64, StoreError> {
        self.readers().read(|c| {
            c.prepare_cached("SELECT COUNT(*) FROM login_failures WHERE username = ?1 AND at >= ?2")
                .and_then(|mut s| s.query_row(params![username, since], |r| r.get(0)))
                .map_err(unavailable)
        })
    }

    async fn record_login_failure(
        &self,
        username: &str,
        at: i64,
        audit_entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let username = username.to_string();
        self.with_audit(audit_entry, move |tx| {
            tx.execute(
                "INSERT INTO login_failures (username, at) VALUES (?1, ?2)",
                params![username, at],
            )
        })
        .await
        .map(|_| ())
    }

    async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        let username = username.to_string();
        self.writer()
            .run(move |c| {
                c.execute(
                    "DELETE FROM login_failures WHERE username = ?1",
                    [&username],
                )
                .map(|_| ())
                .map_err(unavailable)
            })
            .await
    }
}
