//! The command-line grammar. Every subcommand's doc comment is its `--help`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;

/// sar: Subject Access Requests and records disclosure for children's services.
///
/// Tracks each request's statutory deadline, gathers the subject's records out of a
/// case-management export, proposes redactions of third-party data with a reason for each, and
/// builds a truly redacted disclosure bundle.
#[derive(Debug, Parser)]
#[command(name = "sar", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command understands.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Database to use: `sqlite://PATH` or `postgres://USER:PASS@HOST/DB`.
    /// Default: SQLite in `<data-dir>/sar.db`.
    #[arg(long, global = true, env = "SAR_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the embedded database and imported documents live.
    #[arg(long, global = true, env = "SAR_DATA_DIR", default_value = "sar-data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the data directory and database, and run migrations.
    Init(commands::init::Args),
    /// Import a records export (a directory or a .zip); prints counts and problems.
    Import(commands::import::Args),
    /// Register and manage subject access requests.
    #[command(subcommand)]
    Request(commands::request::RequestCommand),
    /// Calculate a statutory due date (prints YYYY-MM-DD and nothing else).
    Deadline(commands::deadline::Args),
    /// The caseload: open requests by days left, overdue first, and on-time rates per month.
    Deadlines(commands::deadlines::Args),
    /// Process a request: extract, gather, detect; leaves proposals waiting for review.
    Run(commands::run::Args),
    /// Build the disclosure bundle of a signed-off request (disclosure, review copy, log, manifest).
    Bundle(commands::bundle::Args),
    /// The whole job on generated data: export, import, request, run, two-person approval, bundle.
    Demo(commands::demo::Args),
    /// Decide proposed redactions: list, decide, entity, add, approve-all, sign-off.
    #[command(subcommand)]
    Review(commands::review::ReviewCommand),
    /// A request's processing: each stage's progress, failures, and the deadline.
    Status(commands::status::Args),
    /// A long-running worker (PostgreSQL deployments: run many, on many machines).
    Worker(commands::worker::Args),
    /// Write a seeded synthetic records export (families, records, PDFs) with its ground truth.
    Generate(commands::generate::Args),
    /// Dry run of detection straight over an export (no database).
    Detect(commands::detect::Args),
    /// Truly redact terms and regions from a PDF, sanitise and verify it.
    RedactPdf(commands::pdf::RedactArgs),
    /// Print a PDF's extracted text (with glyph boxes in --json).
    PdfText(commands::pdf::TextArgs),
    /// Print the text `sar` reads from any document (scans by OCR when tesseract is installed).
    Extract(commands::extract::Args),
}
