//! The extract stage: one document's text, keyed by its content hash.
//!
//! A document that cannot be read is an *outcome* (`needs_review` for scans, `not_processed` for
//! damaged or unsupported files) stored like any other, so the record reaches the bundle's
//! schedule; only infrastructure trouble (a missing blob) fails the job.
//!
//! Scans are read by OCR when this process has a tool for it ([`options`]): their text is
//! stored like any document's, so gathering finds the subject's name in a scanned letter on a
//! sibling's file, but the row stays `needs_review` because the image itself is not redacted.

use std::sync::OnceLock;

use sar_redaction::extract::{self, ExtractError, Options};
use serde_json::json;

use super::{EXTRACT, StageError, StageResult};
use crate::blobs::BlobStore;
use crate::store::jobs::{Job, NewJob};
use crate::store::outputs::{ExtractedRow, JobOutput};

pub const OK: &str = "ok";
pub const NEEDS_REVIEW: &str = "needs_review";
pub const NOT_PROCESSED: &str = "not_processed";

/// The job that extracts the document stored under `sha256` (its file name tells the type).
pub fn job(request_ref: &str, sha256: &str, file_name: &str) -> NewJob {
    let mut job = NewJob::new(EXTRACT, Some(request_ref), sha256, sha256);
    job.payload = json!({ "file_name": file_name });
    job.priority = 10;
    job
}

/// How this process extracts: default limits, and OCR when `tesseract` can be run (see
/// [`sar_redaction::ocr::Ocr::from_env`]). Worked out once, and logged once.
pub fn options() -> &'static Options {
    static OPTIONS: OnceLock<Options> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let options = Options::from_env();
        match &options.ocr {
            Some(ocr) => tracing::info!("scans are read by OCR with {}", ocr.describe()),
            None => tracing::warn!(
                "no OCR tool (install Debian's tesseract-ocr, or set SAR_TESSERACT): scans cannot \
                 be searched and are flagged for a person"
            ),
        }
        options
    })
}

/// Extracts a document's bytes into a row (pure apart from running the OCR tool; CPU-bound).
pub fn extract_row(sha256: &str, file_name: &str, bytes: &[u8]) -> ExtractedRow {
    let (status, reason, parts, notes) = match extract::extract_with(file_name, bytes, options()) {
        Ok(e) => {
            let parts: Vec<_> = e
                .parts
                .iter()
                .map(|p| {
                    let mut part =
                        json!({ "kind": p.kind.to_string(), "page": p.page, "text": p.text });
                    // Word boxes of OCR'd pages, `[start, end, left, top, width, height,
                    // confidence]`, for reviewers and for redacting the image later.
                    if p.kind == extract::PartKind::Body
                        && let Some(ocr) = e.ocr_pages.iter().find(|o| Some(o.page) == p.page)
                    {
                        part["image"] = json!([ocr.image_width, ocr.image_height]);
                        part["words"] = ocr
                            .words
                            .iter()
                            .map(|w| {
                                json!([
                                    w.text_range.start,
                                    w.text_range.end,
                                    w.left,
                                    w.top,
                                    w.width,
                                    w.height,
                                    (w.confidence * 10.0).round() / 10.0
                                ])
                            })
                            .collect();
                    }
                    part
                })
                .collect();
            let mut notes = e.notes.clone();
            notes.extend(
                e.unread_attachments
                    .iter()
                    .map(|a| format!("attachment not read: {a}")),
            );
            let status = if e.unread_attachments.is_empty() && e.needs_review.is_none() {
                OK
            } else {
                NEEDS_REVIEW
            };
            let reason = match (&e.needs_review, e.unread_attachments.is_empty()) {
                (Some(reason), true) => Some(reason.clone()),
                (Some(reason), false) => Some(format!(
                    "{reason}; some attachments could not be read and a person must look at them"
                )),
                (None, false) => Some(
                    "some attachments could not be read; a person must look at them".to_string(),
                ),
                (None, true) => None,
            };
            (status, reason, parts, notes)
        }
        Err(err @ ExtractError::NeedsReview { .. }) => {
            (NEEDS_REVIEW, Some(err.to_string()), vec![], vec![])
        }
        Err(err) => (NOT_PROCESSED, Some(err.to_string()), vec![], vec![]),
    };
    ExtractedRow {
        content_sha256: sha256.to_string(),
        status: status.to_string(),
        reason,
        parts: serde_json::Value::Array(parts).to_string(),
        notes: serde_json::to_string(&notes).unwrap_or_else(|_| "[]".into()),
    }
}

/// Runs an extract job.
pub async fn run(blobs: &BlobStore, job: &Job) -> Result<StageResult, StageError> {
    let sha = job.subject.clone();
    let file_name = job.payload_json()["file_name"]
        .as_str()
        .unwrap_or("document")
        .to_string();
    let blobs = blobs.clone();
    let row = tokio::task::spawn_blocking(move || -> Result<ExtractedRow, String> {
        let bytes = blobs
            .get(&sha)
            .map_err(|e| format!("document {sha}: {e}"))?;
        Ok(extract_row(&sha, &file_name, &bytes))
    })
    .await
    .map_err(|e| StageError::job(job, format!("extraction crashed: {e}")))?
    .map_err(|e| StageError::job(job, e))?;
    Ok(StageResult::Done {
        outputs: vec![JobOutput::Extracted(row)],
        spawn: vec![],
    })
}

/// The parts of an extracted row, as `(part label, page, text)`.
pub fn parts(row: &ExtractedRow) -> Vec<(String, Option<u32>, String)> {
    let parsed: Vec<serde_json::Value> = serde_json::from_str(&row.parts).unwrap_or_default();
    parsed
        .into_iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap_or("body").to_string(),
                p["page"].as_u64().map(|n| n as u32),
                p["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
