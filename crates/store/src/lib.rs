//! The storage port: what Probity needs from a database, and nothing of how a database does it.
//!
//! Each backend (SQLite now, PostgreSQL next) implements [`EventStore`] and must pass the
//! [`conformance`] suite. No backend type crosses this boundary.
//!
//! Architecture invariant: this crate knows no SQL and no driver; it depends only on the domain.

pub mod chain;
pub mod conformance;
pub mod projection;

use std::future::Future;

use probity_domain::party::{PersonalData, SealedPersonalData};
use probity_domain::{CaseId, PartyId};

pub use chain::{BrokenLink, EventRecord, Hash, Verifier};
pub use projection::{CaseProjection, CaseRow};

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
    #[error("the database URL '{0}' is not understood: use sqlite:PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    #[error("the database is not usable: {0}")]
    Unavailable(String),
    #[error("the stored data is inconsistent: {0}")]
    Corrupt(String),
}

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
    /// Appends each case's events in one transaction: events, chain links, personal data and
    /// read models together, or nothing. A stale `expected_version` refuses the whole batch.
    fn append(
        &self,
        batch: &[Append],
    ) -> impl Future<Output = Result<Vec<EventRecord>, StoreError>> + Send;

    /// A case's events in version order (empty if the case does not exist).
    fn read_case(
        &self,
        case_id: CaseId,
    ) -> impl Future<Output = Result<Vec<EventRecord>, StoreError>> + Send;

    /// Up to `limit` events after `after_position`, in position order.
    fn read_log(
        &self,
        after_position: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<EventRecord>, StoreError>> + Send;

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
