//! The gather stage: the subject's records out of every family's files, once every document's
//! text is known (records on a relative's file are gathered when their text names the subject).

use serde_json::json;

use super::{EXTRACT, StageError, StageResult};
use crate::blobs::sha256_hex;
use crate::export::Relationship;
use crate::gather::{GatherInput, RecordBody, Scope, gather};
use crate::ids::{PersonId, RequestRef};
use crate::store::Db;
use crate::store::jobs::{Job, NewJob};
use crate::store::outputs::{GatheredRow, JobOutput};
use crate::store::records::RecordRow;

/// The gather job of a request.
pub fn job(request_ref: &str) -> NewJob {
    let mut job = NewJob::new(super::GATHER, Some(request_ref), request_ref, "gather");
    job.priority = 5;
    job
}

/// The text gathering searches for a record: its title, its text or its document's text.
async fn body_of(db: &Db, row: &RecordRow) -> Result<RecordBody, StageError> {
    if !row.is_processable() {
        return Ok(RecordBody::unreadable(
            row.status_reason
                .clone()
                .unwrap_or_else(|| "not processed".into()),
        )
        .with_content_hash(row.content_sha256.clone()));
    }
    if let Some(text) = &row.body_text {
        return Ok(RecordBody::readable(text.clone()).with_content_hash(row.content_sha256.clone()));
    }
    let Some(sha) = &row.document_sha256 else {
        return Ok(RecordBody::unreadable(
            "the record has no text and no document",
        ));
    };
    let body = match db.extracted(sha).await? {
        Some(e) => {
            let parts = super::extract::parts(&e);
            if parts.is_empty() {
                RecordBody::unreadable(e.reason.unwrap_or_else(|| e.status.clone()))
            } else {
                // Text came out (perhaps with an unread attachment, which is flagged separately).
                let text: Vec<String> = parts.into_iter().map(|(_, _, t)| t).collect();
                RecordBody::readable(text.join("\n\n"))
            }
        }
        None => RecordBody::unreadable("the document was not extracted"),
    };
    Ok(body.with_content_hash(sha.clone()))
}

/// Runs a gather job: waits for extraction, gathers, and spawns the request's detect job.
pub async fn run(db: &Db, job: &Job) -> Result<StageResult, StageError> {
    if db.unfinished_jobs(EXTRACT).await? > 0 {
        return Ok(StageResult::NotReady);
    }
    let reference = RequestRef::new(job.subject.clone());
    let request = db.require_request(&reference).await?;
    let people = db.people().await?;
    let relationships: Vec<Relationship> = db
        .relationships()
        .await?
        .into_iter()
        .map(|(from, to, kind)| Relationship { from, to, kind })
        .collect();
    let rows = db.records().await?;
    let mut bodies = Vec::with_capacity(rows.len());
    for row in &rows {
        bodies.push(body_of(db, row).await?);
    }
    let records: Vec<_> = rows.iter().map(RecordRow::to_export_record).collect();
    let subject: PersonId = request.subject.clone();
    let scope = Scope::default();
    let gathered = tokio::task::spawn_blocking(move || {
        let mut bodies = bodies.into_iter();
        let input = GatherInput {
            people: &people,
            relationships: &relationships,
            records: &records,
            subject: &subject,
            scope: &scope,
        };
        gather(input, |_record| bodies.next())
    })
    .await
    .map_err(|e| StageError::job(job, format!("gathering crashed: {e}")))?
    .map_err(|e| StageError::job(job, e.to_string()))?;

    let mut rows_out: Vec<GatheredRow> = gathered
        .records
        .iter()
        .map(|g| GatheredRow {
            record_id: g.record.to_string(),
            reasons: serde_json::to_string(&g.reasons).unwrap_or_default(),
            duplicate_of: None,
        })
        .collect();
    rows_out.extend(gathered.duplicates.iter().map(|d| GatheredRow {
        record_id: d.record.record.to_string(),
        reasons: serde_json::to_string(&d.record.reasons).unwrap_or_default(),
        duplicate_of: Some(d.duplicate_of.to_string()),
    }));
    rows_out.sort_by(|a, b| a.record_id.cmp(&b.record_id));
    let ids: Vec<&str> = rows_out.iter().map(|r| r.record_id.as_str()).collect();
    let input_sha = sha256_hex(ids.join("\n").as_bytes());
    let search_log = json!({
        "log": gathered.log,
        "needs_review": gathered.needs_review,
        "excluded": gathered.excluded,
        "duplicates": gathered.duplicates.iter().map(|d| json!({"record": d.record.record, "duplicate_of": d.duplicate_of, "copy": d.copy})).collect::<Vec<_>>(),
    });
    let learn = super::learn::job(reference.as_str(), &input_sha);
    Ok(StageResult::Done {
        outputs: vec![JobOutput::Gathered {
            request_ref: reference.to_string(),
            records: rows_out,
            search_log,
        }],
        spawn: vec![learn],
    })
}
