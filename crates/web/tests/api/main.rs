//! The API as clients use it, in-process: requests go through the real router, the real
//! access checks and a real SQLite database in a temporary directory.

mod accounts;
mod authorization;
mod bad_input;
mod journeys;
mod letters;
mod openapi;
mod pages;
mod steps;
mod traffic;
mod ui;
mod work;

mod harness;

pub use harness::*;
