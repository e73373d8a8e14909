//! What the stages produce: gathered records and the search log, extracted text, proposals.
//!
//! Stages never write these tables directly: a job hands its outputs to
//! [`Db::complete_job`](super::Db::complete_job) as [`JobOutput`] values, which are written in
//! the transaction that marks the job done. Each output *replaces* its rows, so a job run again
//! after a crash leaves exactly the rows one run leaves.

use serde::{Deserialize, Serialize};

use super::{Db, Result, on_pool};

/// One gathered record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct GatheredRow {
    pub record_id: String,
    /// JSON list of reasons.
    pub reasons: String,
    pub duplicate_of: Option<String>,
}

/// A record's extracted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExtractedRow {
    pub content_sha256: String,
    /// `ok`, `needs_review` or `not_processed`.
    pub status: String,
    pub reason: Option<String>,
    /// JSON list of `{kind, page, text}`.
    pub parts: String,
    pub notes: String,
}

/// A proposed redaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ProposalRow {
    pub record_id: String,
    pub part: String,
    pub page: Option<i64>,
    pub start_byte: i64,
    pub end_byte: i64,
    pub text: String,
    pub category: String,
    pub action: String,
    pub code: String,
    pub detector: String,
    pub entity: String,
    pub confidence: f64,
}

/// A stored proposal with its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct StoredProposal {
    pub id: i64,
    pub record_id: String,
    pub part: String,
    pub page: Option<i64>,
    pub start_byte: i64,
    pub end_byte: i64,
    pub text: String,
    pub category: String,
    pub action: String,
    pub code: String,
    pub detector: String,
    pub entity: String,
    pub confidence: f64,
}

/// Something a job produced, written when the job completes.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutput {
    /// The request's gathered records and search log (replacing any earlier gather).
    Gathered {
        request_ref: String,
        records: Vec<GatheredRow>,
        search_log: serde_json::Value,
    },
    /// A document's extracted text (replacing an earlier extraction of the same content).
    Extracted(ExtractedRow),
    /// A record's proposals for a request (replacing earlier ones for that record).
    Proposals {
        request_ref: String,
        record_id: String,
        proposals: Vec<ProposalRow>,
    },
    /// The names learnt over a request's records (replacing an earlier learn's).
    Lexicon {
        request_ref: String,
        names: Vec<String>,
    },
}

pub(crate) const DELETE_GATHERED: &str = "DELETE FROM gathered WHERE request_ref = $1";
pub(crate) const INSERT_GATHERED: &str =
    "INSERT INTO gathered (request_ref, record_id, reasons, duplicate_of) VALUES ($1, $2, $3, $4)";
pub(crate) const UPSERT_SEARCH_LOG: &str = "INSERT INTO search_logs (request_ref, log, created_at) VALUES ($1, $2, $3) \
     ON CONFLICT (request_ref) DO UPDATE SET log = excluded.log, created_at = excluded.created_at";
pub(crate) const UPSERT_EXTRACTED: &str = "INSERT INTO extracted (content_sha256, status, reason, parts, notes, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (content_sha256) DO UPDATE SET status = excluded.status, \
     reason = excluded.reason, parts = excluded.parts, notes = excluded.notes, created_at = excluded.created_at";
pub(crate) const DELETE_PROPOSALS: &str =
    "DELETE FROM proposals WHERE request_ref = $1 AND record_id = $2";
pub(crate) const INSERT_PROPOSALS_HEAD: &str = "INSERT INTO proposals (request_ref, record_id, part, page, \
     start_byte, end_byte, text, category, action, code, detector, entity, confidence) ";

pub(crate) const UPSERT_LEXICON: &str = "INSERT INTO lexicons (request_ref, names, created_at) VALUES ($1, $2, $3) \
     ON CONFLICT (request_ref) DO UPDATE SET names = excluded.names, created_at = excluded.created_at";
const LEXICON_FOR: &str = "SELECT names FROM lexicons WHERE request_ref = $1";

const GATHERED_FOR: &str = "SELECT record_id, reasons, duplicate_of FROM gathered WHERE request_ref = $1 ORDER BY record_id";
const SEARCH_LOG_FOR: &str = "SELECT log FROM search_logs WHERE request_ref = $1";
const EXTRACTED_BY_HASH: &str =
    "SELECT content_sha256, status, reason, parts, notes FROM extracted WHERE content_sha256 = $1";
const PROPOSALS_FOR: &str = "SELECT id, record_id, part, page, start_byte, end_byte, text, category, action, code, \
     detector, entity, confidence FROM proposals WHERE request_ref = $1 ORDER BY record_id, part, page, start_byte, id";

/// Writes one [`JobOutput`] inside the completing transaction `$tx` (either backend).
macro_rules! write_output {
    ($tx:ident, $output:expr) => {{
        use $crate::store::outputs::*;
        match $output {
            JobOutput::Gathered {
                request_ref,
                records,
                search_log,
            } => {
                sqlx::query(DELETE_GATHERED)
                    .bind(request_ref)
                    .execute(&mut *$tx)
                    .await?;
                for r in records {
                    sqlx::query(INSERT_GATHERED)
                        .bind(request_ref)
                        .bind(&r.record_id)
                        .bind(&r.reasons)
                        .bind(&r.duplicate_of)
                        .execute(&mut *$tx)
                        .await?;
                }
                sqlx::query(UPSERT_SEARCH_LOG)
                    .bind(request_ref)
                    .bind(search_log.to_string())
                    .bind($crate::store::now_ms())
                    .execute(&mut *$tx)
                    .await?;
            }
            JobOutput::Extracted(e) => {
                sqlx::query(UPSERT_EXTRACTED)
                    .bind(&e.content_sha256)
                    .bind(&e.status)
                    .bind(&e.reason)
                    .bind(&e.parts)
                    .bind(&e.notes)
                    .bind($crate::store::now_ms())
                    .execute(&mut *$tx)
                    .await?;
            }
            JobOutput::Proposals {
                request_ref,
                record_id,
                proposals,
            } => {
                sqlx::query(DELETE_PROPOSALS)
                    .bind(request_ref)
                    .bind(record_id)
                    .execute(&mut *$tx)
                    .await?;
                // Many rows per statement: a large request has hundreds of thousands.
                for chunk in proposals.chunks(1_000) {
                    let mut insert = sqlx::QueryBuilder::new(INSERT_PROPOSALS_HEAD);
                    insert.push_values(chunk, |mut row, p| {
                        row.push_bind(request_ref)
                            .push_bind(&p.record_id)
                            .push_bind(&p.part)
                            .push_bind(p.page)
                            .push_bind(p.start_byte)
                            .push_bind(p.end_byte)
                            .push_bind(&p.text)
                            .push_bind(&p.category)
                            .push_bind(&p.action)
                            .push_bind(&p.code)
                            .push_bind(&p.detector)
                            .push_bind(&p.entity)
                            .push_bind(p.confidence);
                    });
                    insert.build().execute(&mut *$tx).await?;
                }
            }
            JobOutput::Lexicon { request_ref, names } => {
                sqlx::query(UPSERT_LEXICON)
                    .bind(request_ref)
                    .bind(serde_json::to_string(names).unwrap_or_else(|_| "[]".into()))
                    .bind($crate::store::now_ms())
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
}
pub(crate) use write_output;

impl Db {
    pub async fn gathered(&self, request_ref: &str) -> Result<Vec<GatheredRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, GatheredRow>(
            GATHERED_FOR
        )
        .bind(request_ref)
        .fetch_all(p)
        .await?))
    }

    /// The names the request's learn job stored, if it has run.
    pub async fn lexicon(&self, request_ref: &str) -> Result<Option<Vec<String>>> {
        let row: Option<(String,)> = on_pool!(self, |p| sqlx::query_as(LEXICON_FOR)
            .bind(request_ref)
            .fetch_optional(p)
            .await?);
        Ok(row.and_then(|(s,)| serde_json::from_str(&s).ok()))
    }

    pub async fn search_log(&self, request_ref: &str) -> Result<Option<serde_json::Value>> {
        let row: Option<(String,)> = on_pool!(self, |p| sqlx::query_as(SEARCH_LOG_FOR)
            .bind(request_ref)
            .fetch_optional(p)
            .await?);
        Ok(row.and_then(|(s,)| serde_json::from_str(&s).ok()))
    }

    pub async fn extracted(&self, content_sha256: &str) -> Result<Option<ExtractedRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, ExtractedRow>(
            EXTRACTED_BY_HASH
        )
        .bind(content_sha256)
        .fetch_optional(p)
        .await?))
    }

    pub async fn proposals(&self, request_ref: &str) -> Result<Vec<StoredProposal>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, StoredProposal>(
            PROPOSALS_FOR
        )
        .bind(request_ref)
        .fetch_all(p)
        .await?))
    }
}
