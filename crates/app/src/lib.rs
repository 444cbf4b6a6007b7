//! The application shell around the domain core: it loads a case from the store, asks the
//! core to decide, and appends what the core yields, with the read models, in one transaction.
//! The CLI (and, next, the server) call these operations and no others.
//!
//! Architecture invariant: no statutory rule is enforced here; every rule lives in
//! `probity-domain`. This crate knows no SQL; backends are reached through the store port.

pub mod accounts;
pub mod case_file;
pub mod casebook;
pub mod db;
pub mod demo;
pub mod guarded;
pub mod migrate;
pub mod recent;

pub use casebook::{AppError, Casebook, Executed, Loaded, Verified, command_from_json, fresh_salt};
pub use db::{DatabaseUrl, Db};

#[cfg(test)]
mod tests;
