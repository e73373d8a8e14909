//! The pipeline's stages, each run as a job from the queue:
//!
//! ```text
//! extract (per document) ──▶ gather (per request) ──▶ learn (per request) ──▶ detect (per batch) ──▶ proposals for review
//! ```
//!
//! - [`extract`]: a document's text (PDF, DOCX, EML with attachments, TXT); scans are flagged
//!   "needs review". Keyed by the document's content hash, so a document shared by two records
//!   or two requests is read once.
//! - [`gather`]: the subject's records across the families' files, with the search log. Waits
//!   until every document is extracted (it searches their text for the subject's names).
//! - [`learn`]: names of people the export does not know, learnt from context over every
//!   gathered record (so a name learnt in one record is proposed in all); splits the records
//!   into detect batches.
//! - [`detect`]: third-party data in one batch of gathered records, with the learnt names, in
//!   parallel on the rayon pool. Batches run on any worker.
//!
//! A stage is a function from its job to a [`StageResult`]: the outputs to write and the jobs
//! to spawn, committed with the job's completion in one transaction. Stages never write to the
//! store themselves, so a job re-run after a crash produces the same rows.

use crate::store::StoreError;
use crate::store::jobs::{Job, NewJob};
use crate::store::outputs::JobOutput;

pub mod detect;
pub mod extract;
pub mod gather;
pub mod learn;

/// Job kinds.
pub const EXTRACT: &str = "extract";
pub const GATHER: &str = "gather";
pub const LEARN: &str = "learn";
pub const DETECT: &str = "detect";

/// What a stage's job produced.
#[derive(Debug, Default)]
pub enum StageResult {
    /// Done: write these outputs and enqueue these jobs with the completion.
    Done {
        outputs: Vec<JobOutput>,
        spawn: Vec<NewJob>,
    },
    /// Not ready yet (waiting for other jobs): try again later without using up an attempt.
    #[default]
    NotReady,
}

/// A stage failed for a reason that may pass (the database, a missing blob). Bad documents are
/// not failures: they are outputs ("not processed", "needs review").
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("job {job}: {message}")]
    Job { job: i64, message: String },
}

impl StageError {
    pub fn job(job: &Job, message: impl Into<String>) -> Self {
        StageError::Job {
            job: job.id,
            message: message.into(),
        }
    }
}
