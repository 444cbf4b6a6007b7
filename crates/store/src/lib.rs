//! The storage port: what Probity needs from a database, and nothing of how a database does it.
//!
//! Each backend (SQLite now, PostgreSQL next) implements [`EventStore`] and must pass the
//! [`conformance`] suite. No backend type crosses this boundary.
//!
//! Architecture invariant: this crate knows no SQL and no driver; it depends only on the domain.

pub mod accounts;
pub mod audit;
pub mod batch;
pub mod chain;
pub mod conformance;
pub mod projection;

use std::future::Future;

use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::{CaseId, PartyId};

pub use accounts::UserRecord;
pub use audit::{Action, AuditEntry, AuditLink, AuditPage, AuditRecord, Outcome};
pub use chain::{BrokenLink, EventLink, EventRecord, Hash, Link, LogPage, Verifier};
pub use projection::{CaseProjection, CaseRow, FindingRow};

/// An event ready to store: its kind, canonical JSON, who recorded it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub kind: String,
    pub payload: String,
    pub actor: String,
    /// Unix microseconds.
    pub recorded_at: i64,
}

/// One case's share of an append: its new events, written after `expected_version`.
#[derive(Debug, Clone)]
pub struct Append {
    pub case_id: CaseId,
    pub expected_version: u64,
    pub events: Vec<NewEvent>,
    pub personal_data: Vec<(PartyId, SealedPersonalData)>,
    pub erase: Vec<PartyId>,
    /// The case's read-model rows after these events.
    pub projection: CaseProjection,
    /// Whether the subject, allegation and finding rows changed.
    pub grid_changed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "case {case} has changed since it was read (expected version {expected}, found {actual}); reload it and try again"
    )]
    Conflict {
        case: String,
        expected: u64,
        actual: u64,
    },
    #[error("{0} already exists")]
    Duplicate(String),
    #[error("the database URL '{0}' is not understood: use sqlite:PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    #[error("the database is not usable: {0}")]
    Unavailable(String),
    #[error("the stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// A case's events and its parties' personal data.
pub type CaseFileData = (Vec<EventRecord>, Vec<(PartyId, PersonalData)>);

/// One case's event payloads, in version order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStream {
    pub case_id: String,
    pub payloads: Vec<String>,
}

/// The last link of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub position: i64,
    pub hash: Hash,
}

/// Counts of what the store holds, for checks after a rebuild or a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub events: i64,
    pub cases: i64,
    pub subjects: i64,
    pub allegations: i64,
    pub findings: i64,
    pub personal_data: i64,
}

/// The port. Every method is one transaction; an error leaves the store as it was.
pub trait EventStore: Send + Sync {
    /// Appends each case's events in one transaction: events, chain links, personal data, read
    /// models and the audit entries that record the change, or nothing. A stale
    /// `expected_version` refuses the whole batch.
    fn append(
        &self,
        batch: &[Append],
        audit: &[AuditEntry],
    ) -> impl Future<Output = Result<Vec<EventRecord>, StoreError>> + Send;

    /// A case's events in version order (empty if the case does not exist).
    fn read_case(
        &self,
        case_id: CaseId,
    ) -> impl Future<Output = Result<Vec<EventRecord>, StoreError>> + Send;

    /// Up to `limit` events after `after_position`, in position order, packed in one buffer.
    fn read_log_page(
        &self,
        after_position: i64,
        limit: i64,
    ) -> impl Future<Output = Result<LogPage, StoreError>> + Send;

    /// Up to `limit` events after `after_position`, in position order.
    fn read_log(
        &self,
        after_position: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<EventRecord>, StoreError>> + Send {
        async move {
            Ok(self
                .read_log_page(after_position, limit)
                .await?
                .into_records())
        }
    }

    /// Up to `limit` whole cases after `after_case_id` (in case-id order), each with its event
    /// payloads in version order: the fast path for replaying everything.
    fn read_streams(
        &self,
        after_case_id: &str,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<CaseStream>, StoreError>> + Send;

    fn head(&self) -> impl Future<Output = Result<Option<Head>, StoreError>> + Send;

    /// The personal data of one party, or `None` once erased.
    fn personal_data(
        &self,
        case_id: CaseId,
        party: PartyId,
    ) -> impl Future<Output = Result<Option<PersonalData>, StoreError>> + Send;

    /// A case's events and its parties' personal data, read together (one trip for a case file).
    fn read_case_file(
        &self,
        case_id: CaseId,
    ) -> impl Future<Output = Result<CaseFileData, StoreError>> + Send;

    /// The personal data of a case's parties with the salts they were sealed with, for moving a
    /// store: the commitments in the log stay verifiable.
    fn sealed_personal_data(
        &self,
        case_id: CaseId,
    ) -> impl Future<Output = Result<Vec<(PartyId, SealedPersonalData)>, StoreError>> + Send;

    /// Replaces every read-model row with these, in one transaction.
    fn replace_read_models(
        &self,
        all: &[CaseProjection],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The read-model row of one case.
    fn case_row(
        &self,
        case_id: CaseId,
    ) -> impl Future<Output = Result<Option<CaseRow>, StoreError>> + Send;

    fn counts(&self) -> impl Future<Output = Result<Counts, StoreError>> + Send;
}

/// Who is looking, for queries whose results must not leak what the viewer may not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub username: String,
    /// Only this force's cases (force and local policing body staff).
    pub force: Option<String>,
    /// Only cases whose publication is not held back (publications officers).
    pub publishable_only: bool,
    /// For grants: `YYYY-MM-DD`.
    pub today: String,
}

/// Filters for the case list. Every filter narrows; none widens what the viewer may see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    pub force: Option<String>,
    pub status: Option<String>,
    /// A subcategory code (`G2`) or a category letter (`G`).
    pub category: Option<String>,
    pub service_number: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    /// Cases whose team includes this user.
    pub team_member: Option<String>,
    pub restricted: Option<bool>,
    pub offset: i64,
    pub limit: i64,
}

/// A page of results and the total matching count (within what the viewer may see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// One allegation against one person, for a subject's history across cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectHistoryRow {
    pub case: CaseRow,
    pub party: i64,
    pub allegation: i64,
    pub category: String,
    pub determination: Option<String>,
    pub outcome: String,
}

/// Queries over the read models, scoped to a viewer.
pub trait CaseQueries: Send + Sync {
    fn list_cases(
        &self,
        viewer: &Viewer,
        query: &CaseQuery,
    ) -> impl Future<Output = Result<Page<CaseRow>, StoreError>> + Send;

    /// Every allegation against the person with this force and service number.
    fn subject_history(
        &self,
        viewer: &Viewer,
        force: &str,
        service_number: &str,
    ) -> impl Future<Output = Result<Vec<SubjectHistoryRow>, StoreError>> + Send;
}

/// Accounts, sessions, tokens and log-in throttling. Each change is one transaction together
/// with the audit entry that records it.
pub trait AccountStore: Send + Sync {
    fn add_user(
        &self,
        user: &UserRecord,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn user(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    fn users(&self) -> impl Future<Output = Result<Vec<UserRecord>, StoreError>> + Send;
    /// Returns false when there is no such user.
    fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Disables the account and ends its sessions and tokens. False when there is no such user.
    fn disable_user(
        &self,
        username: &str,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn create_session(
        &self,
        token_hash: Hash,
        username: &str,
        expires_at: i64,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The enabled user holding this unexpired session.
    fn session_user(
        &self,
        token_hash: Hash,
        now: i64,
    ) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    fn end_session(
        &self,
        token_hash: Hash,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn create_token(
        &self,
        token_hash: Hash,
        username: &str,
        label: &str,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The enabled user holding this token.
    fn token_user(
        &self,
        token_hash: Hash,
    ) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    /// Failed log-ins for `username` at or after `since`.
    fn login_failures(
        &self,
        username: &str,
        since: i64,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn record_login_failure(
        &self,
        username: &str,
        at: i64,
        audit: &AuditEntry,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn clear_login_failures(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The audit trail.
pub trait AuditStore: Send + Sync {
    fn audit(
        &self,
        entries: &[AuditEntry],
    ) -> impl Future<Output = Result<Vec<AuditRecord>, StoreError>> + Send;
    /// Up to `limit` records after `after_seq`, as stored, packed in one buffer: for checking
    /// the chain (the fields are not parsed).
    fn read_audit_page(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> impl Future<Output = Result<AuditPage, StoreError>> + Send;
    /// Up to `limit` records after `after_seq`, optionally only those about `target`.
    fn read_audit(
        &self,
        after_seq: i64,
        limit: i64,
        target: Option<&str>,
    ) -> impl Future<Output = Result<Vec<AuditRecord>, StoreError>> + Send;
}
