//! Choosing a backend from a database URL. Enum dispatch keeps callers free of generics.

use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::{CaseId, PartyId};
use probity_store::projection::CaseProjection;
use probity_store::{
    AccountStore, Append, AuditEntry, AuditPage, AuditRecord, AuditStore, CaseFileData,
    CaseQueries, CaseQuery, CaseRow, CaseStream, Counts, EventRecord, EventStore, Hash, Head,
    LogPage, Page, StoreError, SubjectHistoryRow, UserRecord, Viewer,
};
use probity_store_postgres::PgStore;
use probity_store_sqlite::SqliteStore;

/// Where the data lives, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub const DEFAULT: &'static str = "sqlite:probity-data/probity.db";

    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::BadUrl(url.to_string()));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        Err(StoreError::BadUrl(url.to_string()))
    }
}

/// The store the application runs on.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Db {
    /// A PostgreSQL store in its own schema of the database at `url` (for tests and for
    /// several stores in one database).
    pub async fn postgres_in_schema(url: &str, schema: &str) -> Result<Db, StoreError> {
        Ok(Db::Postgres(PgStore::open_in_schema(url, schema).await?))
    }

    /// Finishes cleanly: on SQLite the log is copied into the database file, so that the file
    /// alone holds everything; on PostgreSQL the connections are closed.
    pub async fn close(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(s) => s.checkpoint().await,
            Db::Postgres(p) => {
                p.pool().close().await;
                Ok(())
            }
        }
    }

    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        match DatabaseUrl::parse(url)? {
            DatabaseUrl::Sqlite(path) => Ok(Db::Sqlite(SqliteStore::open(&path).await?)),
            DatabaseUrl::Postgres(url) => Ok(Db::Postgres(PgStore::open(&url).await?)),
        }
    }
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Db::Sqlite($s) => $e,
            Db::Postgres($s) => $e,
        }
    };
}

impl EventStore for Db {
    async fn append(
        &self,
        batch: &[Append],
        audit: &[AuditEntry],
    ) -> Result<Vec<EventRecord>, StoreError> {
        dispatch!(self, s => s.append(batch, audit).await)
    }
    async fn read_case(&self, case_id: CaseId) -> Result<Vec<EventRecord>, StoreError> {
        dispatch!(self, s => s.read_case(case_id).await)
    }
    async fn read_log_page(&self, after_position: i64, limit: i64) -> Result<LogPage, StoreError> {
        dispatch!(self, s => s.read_log_page(after_position, limit).await)
    }
    async fn read_streams(
        &self,
        after_case_id: &str,
        limit: i64,
    ) -> Result<Vec<CaseStream>, StoreError> {
        dispatch!(self, s => s.read_streams(after_case_id, limit).await)
    }
    async fn head(&self) -> Result<Option<Head>, StoreError> {
        dispatch!(self, s => s.head().await)
    }
    async fn personal_data(
        &self,
        case_id: CaseId,
        party: PartyId,
    ) -> Result<Option<PersonalData>, StoreError> {
        dispatch!(self, s => s.personal_data(case_id, party).await)
    }
    async fn read_case_file(&self, case_id: CaseId) -> Result<CaseFileData, StoreError> {
        dispatch!(self, s => s.read_case_file(case_id).await)
    }
    async fn sealed_personal_data(
        &self,
        case_id: CaseId,
    ) -> Result<Vec<(PartyId, SealedPersonalData)>, StoreError> {
        dispatch!(self, s => s.sealed_personal_data(case_id).await)
    }
    async fn replace_read_models(&self, all: &[CaseProjection]) -> Result<(), StoreError> {
        dispatch!(self, s => s.replace_read_models(all).await)
    }
    async fn case_row(&self, case_id: CaseId) -> Result<Option<CaseRow>, StoreError> {
        dispatch!(self, s => s.case_row(case_id).await)
    }
    async fn counts(&self) -> Result<Counts, StoreError> {
        dispatch!(self, s => s.counts().await)
    }
}

impl CaseQueries for Db {
    async fn list_cases(
        &self,
        viewer: &Viewer,
        query: &CaseQuery,
    ) -> Result<Page<CaseRow>, StoreError> {
        dispatch!(self, s => s.list_cases(viewer, query).await)
    }
    async fn subject_history(
        &self,
        viewer: &Viewer,
        force: &str,
        service_number: &str,
    ) -> Result<Vec<SubjectHistoryRow>, StoreError> {
        dispatch!(self, s => s.subject_history(viewer, force, service_number).await)
    }
}

impl AuditStore for Db {
    async fn read_audit_page(&self, after_seq: i64, limit: i64) -> Result<AuditPage, StoreError> {
        dispatch!(self, s => s.read_audit_page(after_seq, limit).await)
    }
    async fn audit(&self, entries: &[AuditEntry]) -> Result<Vec<AuditRecord>, StoreError> {
        dispatch!(self, s => s.audit(entries).await)
    }
    async fn read_audit(
        &self,
        after_seq: i64,
        limit: i64,
        target: Option<&str>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        dispatch!(self, s => s.read_audit(after_seq, limit, target).await)
    }
}

impl AccountStore for Db {
    async fn add_user(&self, user: &UserRecord, audit: &AuditEntry) -> Result<(), StoreError> {
        dispatch!(self, s => s.add_user(user, audit).await)
    }
    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        dispatch!(self, s => s.user(username).await)
    }
    async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        dispatch!(self, s => s.users().await)
    }
    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.set_password(username, password_hash, audit).await)
    }
    async fn disable_user(&self, username: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        dispatch!(self, s => s.disable_user(username, audit).await)
    }
    async fn create_session(
        &self,
        token_hash: Hash,
        username: &str,
        expires_at: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_session(token_hash, username, expires_at, audit).await)
    }
    async fn session_user(
        &self,
        token_hash: Hash,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        dispatch!(self, s => s.session_user(token_hash, now).await)
    }
    async fn end_session(&self, token_hash: Hash, audit: &AuditEntry) -> Result<(), StoreError> {
        dispatch!(self, s => s.end_session(token_hash, audit).await)
    }
    async fn create_token(
        &self,
        token_hash: Hash,
        username: &str,
        label: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_token(token_hash, username, label, audit).await)
    }
    async fn token_user(&self, token_hash: Hash) -> Result<Option<UserRecord>, StoreError> {
        dispatch!(self, s => s.token_user(token_hash).await)
    }
    async fn login_failures(&self, username: &str, since: i64) -> Result<i64, StoreError> {
        dispatch!(self, s => s.login_failures(username, since).await)
    }
    async fn record_login_failure(
        &self,
        username: &str,
        at: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.record_login_failure(username, at, audit).await)
    }
    async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.clear_login_failures(username).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:data/p.db").unwrap(),
            DatabaseUrl::Sqlite("data/p.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/p.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/p.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://p.db?mode=rwc").unwrap(),
            DatabaseUrl::Sqlite("p.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        for bad in ["", "mysql://x", "sqlite:", "sqlite::memory:", "p.db"] {
            assert!(
                matches!(DatabaseUrl::parse(bad), Err(StoreError::BadUrl(_))),
                "{bad}"
            );
        }
    }
}
