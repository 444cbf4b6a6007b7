//! Accounts, sessions, tokens and log-in throttling in PostgreSQL.

use probity_store::{AccountStore, AuditEntry, Hash, StoreError, UserRecord};
use sqlx::Row;

use crate::{PgStore, audit, unavailable};

const USER_COLUMNS: &str =
    "u.username, u.role, u.body, u.force, u.password_hash, u.disabled, u.created_at";

fn user(row: &sqlx::postgres::PgRow) -> UserRecord {
    UserRecord {
        username: row.get(0),
        role: row.get(1),
        body: row.get(2),
        force: row.get(3),
        password_hash: row.get(4),
        disabled: row.get(5),
        created_at: row.get(6),
    }
}

impl PgStore {
    /// Runs `statements` (each with the bound username first) and the audit entry in one transaction.
    async fn with_audit<F>(&self, audit_entry: &AuditEntry, f: F) -> Result<u64, StoreError>
    where
        F: for<'t> FnOnce(
            &'t mut sqlx::PgConnection,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<u64, sqlx::Error>> + Send + 't>,
        >,
    {
        let mut tx = self.writer().begin().await.map_err(unavailable)?;
        let changed = f(&mut tx).await.map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Duplicate(audit_entry.target.clone())
            }
            other => unavailable(other),
        })?;
        audit::append_in(&mut tx, std::slice::from_ref(audit_entry)).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(changed)
    }
}

#[async_trait::async_trait]
impl AccountStore for PgStore {
    async fn add_user(&self, u: &UserRecord, audit_entry: &AuditEntry) -> Result<(), StoreError> {
        let u = u.clone();
        self.with_audit(audit_entry, move |c| {
            Box::pin(async move {
                sqlx::query("INSERT INTO users (username, role, body, force, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&u.username)
                    .bind(&u.role)
                    .bind(&u.body)
                    .bind(&u.force)
                    .bind(&u.password_hash)
                    .bind(u.disabled)
                    .bind(u.created_at)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })
        })
        .await
        .map(|_| ())
    }

    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1"
        )))
        .bind(username)
        .fetch_optional(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.as_ref().map(user))
    }

    async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.username"
        )))
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(rows.iter().map(user).collect())
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        audit_entry: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let (username, hash) = (username.to_string(), password_hash.to_string());
        let changed = self
            .with_audit(audit_entry, move |c| {
                Box::pin(async move {
                    let n = sqlx::query("UPDATE users SET password_hash = $2 WHERE username = $1")
                        .bind(&username)
                        .bind(&hash)
                        .execute(&mut *c)
                        .await?
                        .rows_affected();
                    // A new password ends every other way in.
                    sqlx::query("DELETE FROM sessions WHERE username = $1")
                        .bind(&username)
                        .execute(&mut *c)
                        .await?;
                    Ok(n)
                })
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
            .with_audit(audit_entry, move |c| {
                Box::pin(async move {
                    let n = sqlx::query("UPDATE users SET disabled = true WHERE username = $1")
                        .bind(&username)
                        .execute(&mut *c)
                        .await?
                        .rows_affected();
                    sqlx::query("DELETE FROM sessions WHERE username = $1")
                        .bind(&username)
                        .execute(&mut *c)
                        .await?;
                    sqlx::query("DELETE FROM api_tokens WHERE username = $1")
                        .bind(&username)
                        .execute(&mut *c)
                        .await?;
                    Ok(n)
                })
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
        self.with_audit(audit_entry, move |c| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, username, expires_at) VALUES ($1, $2, $3)",
                )
                .bind(&token_hash.0[..])
                .bind(&username)
                .bind(expires_at)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
            })
        })
        .await
        .map(|_| ())
    }

    async fn session_user(
        &self,
        token_hash: Hash,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.username = s.username
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
        )))
        .bind(&token_hash.0[..])
        .bind(now)
        .fetch_optional(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.as_ref().map(user))
    }

    async fn end_session(
        &self,
        token_hash: Hash,
        audit_entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.with_audit(audit_entry, move |c| {
            Box::pin(async move {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(&token_hash.0[..])
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })
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
        self.with_audit(audit_entry, move |c| {
            Box::pin(async move {
                sqlx::query("INSERT INTO api_tokens (token_hash, username, label, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&token_hash.0[..])
                    .bind(&username)
                    .bind(&label)
                    .bind(at)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })
        })
        .await
        .map(|_| ())
    }

    async fn token_user(&self, token_hash: Hash) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.username = t.username
             WHERE t.token_hash = $1 AND NOT u.disabled"
        )))
        .bind(&token_hash.0[..])
        .fetch_optional(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.as_ref().map(user))
    }

    async fn login_failures(&self, username: &str, since: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $2")
            .bind(username)
            .bind(since)
            .fetch_one(self.pool())
            .await
            .map_err(unavailable)
    }

    async fn record_login_failure(
        &self,
        username: &str,
        at: i64,
        audit_entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let username = username.to_string();
        self.with_audit(audit_entry, move |c| {
            Box::pin(async move {
                sqlx::query("INSERT INTO login_failures (username, at) VALUES ($1, $2)")
                    .bind(&username)
                    .bind(at)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })
        })
        .await
        .map(|_| ())
    }

    async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username)
            .execute(self.writer())
            .await
            .map_err(unavailable)
            .map(|_| ())
    }
}
