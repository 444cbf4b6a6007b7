//! The application shell around the domain core. Its one door is the [`Office`], which admits
//! a principal to a [`Desk`]: every operation a person or machine performs (API, web pages,
//! command line) is a desk's method, checked against the core's access policy and recorded in
//! the audit trail. Behind the desk, the casebook loads a case from the store, asks the core to
//! decide, and appends what the core yields, with the read models, in one transaction.
//!
//! Architecture invariant: no statutory rule is enforced here; every rule lives in
//! `probity-domain`. This crate knows no SQL; backends are reached through the store port.
//! Nothing but the office, the desk and the views they return is public.

mod accounts;
mod anchors;
mod case_file;
mod casebook;
mod db;
mod demo;
mod desk;
mod letters;
mod mail;
mod migrate;
mod office;
mod recent;
mod refusals;
mod verification;

pub use accounts::{MIN_PASSWORD_CHARS, NewUser, SESSION_HOURS, Secret};
pub use anchors::{Anchors, Signer};
pub use case_file::{
    AllegationView, CaseFile, ClockView, DecisionView, DraftFinding, DraftView, EventView,
    ExhibitView, FindingView, InterviewView, InvestigationView, LetterView, PartyView,
    ReflectivePracticeView, SubjectView,
};
pub use casebook::{AppError, Executed, command_from_json, fresh_salt};
pub use db::DatabaseUrl;
pub use demo::{DEMO_CASEWORKER, DemoSummary, SYNTHETIC_CASES};
pub use desk::{DEFAULT_PURPOSE, Desk, Door, Stopped};
pub use letters::{PreparedLetter, Recipient};
pub use mail::{Delivered, Delivery, MailConfig, Postman};
pub use migrate::Moved;
pub use office::{Console, Office};
pub use probity_store::anchor::Checkpoint;
pub use probity_store::query::FactFilter;
pub use verification::{Finding, Verified};

/// What the store benchmark measures beneath the desk.
#[cfg(feature = "bench")]
pub use db::Db;

#[cfg(feature = "bench")]
impl Office {
    /// Folds every stream of the log; returns the number of cases.
    pub async fn replay_all(&self) -> Result<usize, AppError> {
        Ok(self.book().replay_all().await?.len())
    }

    /// The store itself.
    pub fn db(&self) -> &Db {
        self.book().db()
    }

    /// Verifies the event chain alone; returns the number of events.
    pub async fn verify_event_chain(&self) -> Result<i64, AppError> {
        Ok(self
            .book()
            .verify_events(16_384, Vec::new())
            .await?
            .position)
    }

    /// Verifies the audit chain alone; returns the number of entries.
    pub async fn verify_audit_chain(&self) -> Result<i64, AppError> {
        Ok(self
            .book()
            .verify_audit(16_384, Vec::new())
            .await?
            .0
            .position)
    }
}

#[cfg(test)]
mod tests;
