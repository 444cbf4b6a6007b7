//! The JSON API under `/api/v1`: one module per resource, every failure a problem document.

pub mod audit;
pub mod cases;
pub mod json;
pub mod letters;
pub mod openapi;
pub mod session;
pub mod statistics;
pub mod subjects;
pub mod work;
