//! The storage port: what Probity needs from a database, and nothing of how a database does it.
//!
//! The port is five traits: the event log (with the personal data and read-model rows that change
//! with its appends), personal data, plain tables (which the read models and the accounts are
//! kept in, by statements written once here), read models, and the audit trail; a backend
//! implements them all ([`Store`]) and must pass the [`conformance`] suite. The application holds
//! its store as an `Arc<dyn Store>`, chosen once at start. No backend type crosses this boundary.
//!
//! Architecture invariant: this crate knows no driver. The SQL of the read models and of the
//! accounts is written here once (`query.rs`, `accounts.rs`), in the dialect both backends
//! speak; the log's and the audit trail's SQL is each backend's own, since their locking differs.

pub mod accounts;
pub mod anchor;
pub mod audit;
pub mod batch;
pub mod chain;
pub mod conformance;
pub mod holidays;
pub mod integrity;
pub mod outbox;
mod packed;
pub mod projection;
pub mod published;
pub mod query;
pub mod read_model;

use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::{CaseId, PartyId, Reference};

pub use accounts::{AccountStore, UserRecord};
pub use audit::{Action, AuditEntry, AuditLink, AuditPage, AuditRecord, Outcome};
pub use chain::{
    BrokenLink, EventLink, EventRecord, Expected, Hash, Link, LogPage, Verifier, Witness,
};
pub use projection::{CaseRow, FindingRow};
pub use query::{
    AuditQuery, CaseQuery, CategoryFilter, Counts, OverdueLine, Page, Query, Statement,
    SubjectHistoryRow, WORK_COUNT_CAP, WorkItem, WorkPage, WorkQuery, WorkScope,
};
pub use read_model::{Row, TableRows, Value};

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
    /// The case's reference, to name it when the append is refused.
    pub reference: Reference,
    pub expected_version: u64,
    pub events: Vec<NewEvent>,
    pub personal_data: Vec<(PartyId, SealedPersonalData)>,
    pub erase: Vec<PartyId>,
    /// The case's rows in each read model that these events changed.
    pub read_models: Vec<TableRows>,
    /// Other rows these events write in the same transaction: the notices of the duties they
    /// made (`outbox::notices`).
    pub statements: Vec<Statement>,
    /// Which audit entries of the append wrote these events, in order: each entry's index
    /// in the entries appended with the batch, and how many of the events it wrote. The store
    /// ties each such entry to the last of its events.
    pub written_by: Vec<(usize, usize)>,
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
    /// When each was entered (microseconds since the epoch), beside its payload: old event
    /// versions are upcast with it.
    pub recorded_at: Vec<i64>,
}

/// The last link of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub position: i64,
    pub hash: Hash,
}

/// The event log. Every method is one transaction; an error leaves the store as it was.
#[async_trait::async_trait]
pub trait EventLog: Send + Sync {
    /// Appends each case's events in one transaction: events, chain links, personal data, read
    /// models and the audit entries that record the change, or nothing. A stale
    /// `expected_version` refuses the whole batch: this is where versions are compared.
    async fn append(
        &self,
        batch: &[Append],
        audit: &[AuditEntry],
    ) -> Result<Vec<EventRecord>, StoreError>;

    /// A case's events in version order (empty if the case does not exist).
    async fn read_case(&self, case_id: CaseId) -> Result<Vec<EventRecord>, StoreError>;

    /// Up to `limit` events after `after_position`, in position order, packed in one buffer.
    async fn read_log_page(&self, after_position: i64, limit: i64) -> Result<LogPage, StoreError>;

    /// Up to `limit` events after `after_position`, in position order.
    async fn read_log(
        &self,
        after_position: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        Ok(self
            .read_log_page(after_position, limit)
            .await?
            .into_records())
    }

    /// Up to `limit` whole cases after `after_case_id` (in case-id order), each with its event
    /// payloads in version order: the fast path for replaying everything.
    async fn read_streams(
        &self,
        after_case_id: &str,
        limit: i64,
    ) -> Result<Vec<CaseStream>, StoreError>;

    async fn head(&self) -> Result<Option<Head>, StoreError>;

    /// Finishes cleanly: whatever the backend keeps aside is written where a copy of its files
    /// (or the next process) will find it.
    async fn close(&self) -> Result<(), StoreError>;
}

/// The personal data of parties, kept apart from the log so that it can be erased.
#[async_trait::async_trait]
pub trait PersonalDataStore: Send + Sync {
    /// A case's events and its parties' personal data, read together (one trip for a case file).
    async fn read_case_file(&self, case_id: CaseId) -> Result<CaseFileData, StoreError>;

    /// The personal data of a case's parties with the salts they were sealed with, for moving a
    /// store: the commitments in the log stay verifiable.
    async fn sealed_personal_data(
        &self,
        case_id: CaseId,
    ) -> Result<Vec<(PartyId, SealedPersonalData)>, StoreError>;
}

/// Plain tables: statements in the dialect both backends share (`query.rs`), which the backend
/// runs as given. The read models are read this way, and accounts are kept this way
/// ([`AccountStore`] is written once, over this trait).
#[async_trait::async_trait]
pub trait Tables: Send + Sync {
    /// Which SQL the backend speaks beyond the shared dialect: only full-text search differs.
    fn dialect(&self) -> Dialect;

    /// Runs the queries in one snapshot, and returns each one's rows.
    async fn query(&self, queries: &[Query]) -> Result<Vec<Vec<Row>>, StoreError>;

    /// Runs the statements in one write transaction together with the audit entries, and
    /// returns how many rows each changed. A unique key already taken is
    /// [`StoreError::Duplicate`]; any failure changes nothing.
    async fn execute(
        &self,
        statements: &[Statement],
        audit: &[AuditEntry],
    ) -> Result<Vec<u64>, StoreError>;
}

/// The public form of a case reference (`probity_published::public_reference`).
pub fn published_reference(reference: &Reference) -> String {
    probity_published::public_reference(reference.as_str())
}

/// The SQL a backend speaks where the two differ (full-text search, `published.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// FTS5, ranked by bm25.
    Sqlite,
    /// Text search (`tsvector`), ranked by `ts_rank`.
    Postgres,
}

/// The read models: rows derived from the log, written with its appends (`Append`), read with
/// the queries of `query.rs`, rebuilt from the log at any time.
#[async_trait::async_trait]
pub trait ReadModels: Tables {
    /// Replaces every row of every read model with these, in one transaction.
    async fn replace_read_models(&self, all: &[TableRows]) -> Result<(), StoreError>;
}

/// Everything a backend is. (Accounts come with [`Tables`].)
pub trait Store: EventLog + PersonalDataStore + ReadModels + AuditStore + std::fmt::Debug {}

impl<T> Store for T where T: EventLog + PersonalDataStore + ReadModels + AuditStore + std::fmt::Debug
{}

/// The audit trail.
#[async_trait::async_trait]
pub trait AuditStore: Send + Sync {
    async fn audit(&self, entries: &[AuditEntry]) -> Result<Vec<AuditRecord>, StoreError>;
    /// Up to `limit` records after `after_seq`, as stored, packed in one buffer: for checking
    /// the chain (the fields are not parsed).
    async fn read_audit_page(&self, after_seq: i64, limit: i64) -> Result<AuditPage, StoreError>;
    /// Up to `limit` records after `after_seq`, optionally only those about `target`.
    async fn read_audit(
        &self,
        after_seq: i64,
        limit: i64,
        target: Option<&str>,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
