//! Staff accounts, sessions, API tokens and log-in failures, written once for every backend: the
//! tables are plain, so their statements are in the dialect both backends share and run through
//! [`Tables`]. Passwords and tokens are stored hashed; the hashing itself is the shell's. Each
//! change is one transaction with the audit entry that records it.

use crate::audit::AuditEntry;
use crate::chain::Hash;
use crate::query::{Query, Statement};
use crate::read_model::{ColumnType, ColumnValue, Row, Value};
use crate::{StoreError, Tables};

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub role: String,
    /// `oversight_body`, `appropriate_authority` or `local_policing_body`.
    pub body: String,
    pub force: Option<String>,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: i64,
}

const USER_COLUMNS: &str =
    "u.username, u.role, u.body, u.force, u.password_hash, u.disabled, u.created_at";

const USER_TYPES: [ColumnType; 7] = [
    ColumnType::Text,
    ColumnType::Text,
    ColumnType::Text,
    ColumnType::Text,
    ColumnType::Text,
    ColumnType::Bool,
    ColumnType::Int,
];

fn corrupt(e: String) -> StoreError {
    StoreError::Corrupt(format!("a user row: {e}"))
}

impl UserRecord {
    fn from_row(row: Row) -> Result<UserRecord, StoreError> {
        let mut v = row.into_iter();
        let mut next = || v.next().unwrap_or(Value::Null);
        Ok(UserRecord {
            username: String::from_value(next()).map_err(corrupt)?,
            role: String::from_value(next()).map_err(corrupt)?,
            body: String::from_value(next()).map_err(corrupt)?,
            force: Option::<String>::from_value(next()).map_err(corrupt)?,
            password_hash: String::from_value(next()).map_err(corrupt)?,
            disabled: bool::from_value(next()).map_err(corrupt)?,
            created_at: i64::from_value(next()).map_err(corrupt)?,
        })
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn bytes(h: Hash) -> Value {
    Value::Bytes(h.0.to_vec())
}

fn statement(sql: &str, binds: Vec<Value>) -> Statement {
    Statement {
        sql: sql.to_string(),
        binds,
    }
}

/// The users that `where_` (after `FROM users u ...`) finds; a point read.
async fn users<S: Tables + ?Sized>(
    store: &S,
    from_where: &str,
    binds: Vec<Value>,
) -> Result<Vec<UserRecord>, StoreError> {
    let q = Query {
        sql: format!("SELECT {USER_COLUMNS} {from_where}"),
        binds,
        columns: USER_TYPES.to_vec(),
        point: true,
    };
    let rows = store.query(&[q]).await?;
    rows.into_iter()
        .flatten()
        .map(UserRecord::from_row)
        .collect()
}

/// The one user that `from_where` finds, if any.
async fn one_user<S: Tables + ?Sized>(
    store: &S,
    from_where: &str,
    binds: Vec<Value>,
) -> Result<Option<UserRecord>, StoreError> {
    Ok(users(store, from_where, binds).await?.into_iter().next())
}

/// Runs `statements` with `audit` in one transaction; the first statement's changed rows.
async fn change<S: Tables + ?Sized>(
    store: &S,
    statements: Vec<Statement>,
    audit: &AuditEntry,
) -> Result<u64, StoreError> {
    let changed = store
        .execute(&statements, std::slice::from_ref(audit))
        .await?;
    Ok(changed.first().copied().unwrap_or(0))
}

/// Accounts, sessions, tokens and log-in throttling, for every store that runs statements.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    async fn add_user(&self, user: &UserRecord, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError>;
    async fn users(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Returns false when there is no such user. A new password ends the user's sessions and
    /// revokes their API tokens.
    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;
    /// Disables the account and ends its sessions and tokens. False when there is no such user.
    async fn disable_user(&self, username: &str, audit: &AuditEntry) -> Result<bool, StoreError>;
    /// Opens a session, and clears the user's failed log-ins from `source` in the same
    /// transaction.
    async fn create_session(
        &self,
        token_hash: Hash,
        username: &str,
        source: &str,
        expires_at: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// The enabled user holding this unexpired session.
    async fn session_user(
        &self,
        token_hash: Hash,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError>;
    async fn end_session(&self, token_hash: Hash, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn create_token(
        &self,
        token_hash: Hash,
        username: &str,
        label: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// The enabled user holding this token.
    async fn token_user(&self, token_hash: Hash) -> Result<Option<UserRecord>, StoreError>;
    /// Failed log-ins for `username` from `source` (an address) at or after `since`.
    async fn login_failures(
        &self,
        username: &str,
        source: &str,
        since: i64,
    ) -> Result<i64, StoreError>;
    /// Records a failed log-in to an account from `source`, and forgets those before
    /// `forget_before`.
    async fn record_login_failure(
        &self,
        username: &str,
        source: &str,
        at: i64,
        forget_before: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl<T: Tables + ?Sized> AccountStore for T {
    async fn add_user(&self, u: &UserRecord, audit: &AuditEntry) -> Result<(), StoreError> {
        let insert = statement(
            "INSERT INTO users (username, role, body, force, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![
                text(&u.username),
                text(&u.role),
                text(&u.body),
                u.force.as_deref().map_or(Value::Null, text),
                text(&u.password_hash),
                Value::Bool(u.disabled),
                Value::Int(u.created_at),
            ],
        );
        match change(self, vec![insert], audit).await {
            Err(StoreError::Duplicate(_)) => Err(StoreError::Duplicate(u.username.clone())),
            other => other.map(|_| ()),
        }
    }

    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        one_user(
            self,
            "FROM users u WHERE u.username = $1",
            vec![text(username)],
        )
        .await
    }

    async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        users(self, "FROM users u ORDER BY u.username", Vec::new()).await
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let statements = vec![
            statement(
                "UPDATE users SET password_hash = $2 WHERE username = $1",
                vec![text(username), text(password_hash)],
            ),
            // A new password ends every other way in.
            statement(
                "DELETE FROM sessions WHERE username = $1",
                vec![text(username)],
            ),
            statement(
                "DELETE FROM api_tokens WHERE username = $1",
                vec![text(username)],
            ),
        ];
        Ok(change(self, statements, audit).await? > 0)
    }

    async fn disable_user(&self, username: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let statements = ["UPDATE users SET disabled = TRUE WHERE username = $1"]
            .into_iter()
            .chain([
                "DELETE FROM sessions WHERE username = $1",
                "DELETE FROM api_tokens WHERE username = $1",
            ])
            .map(|sql| statement(sql, vec![text(username)]))
            .collect();
        Ok(change(self, statements, audit).await? > 0)
    }

    async fn create_session(
        &self,
        token_hash: Hash,
        username: &str,
        source: &str,
        expires_at: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let statements = vec![
            statement(
                "INSERT INTO sessions (token_hash, username, expires_at) VALUES ($1, $2, $3)",
                vec![bytes(token_hash), text(username), Value::Int(expires_at)],
            ),
            statement(
                "DELETE FROM login_failures WHERE username = $1 AND source = $2",
                vec![text(username), text(source)],
            ),
        ];
        change(self, statements, audit).await.map(|_| ())
    }

    async fn session_user(
        &self,
        token_hash: Hash,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        one_user(
            self,
            "FROM sessions s JOIN users u ON u.username = s.username
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
            vec![bytes(token_hash), Value::Int(now)],
        )
        .await
    }

    async fn end_session(&self, token_hash: Hash, audit: &AuditEntry) -> Result<(), StoreError> {
        let delete = statement(
            "DELETE FROM sessions WHERE token_hash = $1",
            vec![bytes(token_hash)],
        );
        change(self, vec![delete], audit).await.map(|_| ())
    }

    async fn create_token(
        &self,
        token_hash: Hash,
        username: &str,
        label: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let insert = statement(
            "INSERT INTO api_tokens (token_hash, username, label, created_at) VALUES ($1, $2, $3, $4)",
            vec![
                bytes(token_hash),
                text(username),
                text(label),
                Value::Int(audit.recorded_at),
            ],
        );
        change(self, vec![insert], audit).await.map(|_| ())
    }

    async fn token_user(&self, token_hash: Hash) -> Result<Option<UserRecord>, StoreError> {
        one_user(
            self,
            "FROM api_tokens t JOIN users u ON u.username = t.username
             WHERE t.token_hash = $1 AND NOT u.disabled",
            vec![bytes(token_hash)],
        )
        .await
    }

    async fn login_failures(
        &self,
        username: &str,
        source: &str,
        since: i64,
    ) -> Result<i64, StoreError> {
        let q = Query {
            sql: "SELECT COUNT(*) FROM login_failures WHERE username = $1 AND source = $2 AND at >= $3".into(),
            binds: vec![text(username), text(source), Value::Int(since)],
            columns: vec![ColumnType::Int],
            point: true,
        };
        let rows = self.query(&[q]).await?;
        let count = rows.into_iter().flatten().flatten().next();
        i64::from_value(count.unwrap_or(Value::Int(0))).map_err(corrupt)
    }

    async fn record_login_failure(
        &self,
        username: &str,
        source: &str,
        at: i64,
        forget_before: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let statements = vec![
            statement(
                "INSERT INTO login_failures (username, source, at) VALUES ($1, $2, $3)",
                vec![text(username), text(source), Value::Int(at)],
            ),
            statement(
                "DELETE FROM login_failures WHERE at < $1",
                vec![Value::Int(forget_before)],
            ),
        ];
        change(self, statements, audit).await.map(|_| ())
    }
}
