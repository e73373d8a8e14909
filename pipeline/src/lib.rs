//! `sar-pipeline`: the SAR domain, the store and the stages.
//!
//! Data flows one way: export → store → jobs → proposals → decisions → bundle.
//!
//! Layout:
//! - [`ids`]: typed identities (person, record, request reference) shared by every crate.
//! - [`export`]: reading a records export (`sar-records-export/1`, directory or `.zip`).
//! - [`gather`]: which records belong to a data subject (criteria, copies, the search log).
//! - [`deadline`]: the statutory deadline (calendar-month rule, bank holidays, clock stops).
//! - [`blobs`]: documents stored once under their SHA-256, never modified.
//! - [`store`]: the database (SQLite embedded default, PostgreSQL), the one place SQL lives.
//! - [`import`]: loading an export into the store, idempotently, listing problems.
//! - [`request`]: subject access requests and their lifecycle.
//! - [`stages`]: extract, gather, detect, each run as a queued job.
//! - [`review`]: proposals' standing from decisions; the four-eyes rule.
//! - [`bundle`]: the disclosure bundle (redact, assemble, leak gate, review copy, log, manifest).
//! - [`generate`]: a seeded synthetic records export with ground truth (`sar generate`).
//! - [`testing`]: a fresh database per test on both backends (`store_test!`).

pub mod blobs;
pub mod bundle;
pub mod deadline;
pub mod export;
pub mod gather;
pub mod generate;
pub mod ids;
pub mod import;
pub mod request;
pub mod review;
pub mod stages;
pub mod store;
pub mod testing;
