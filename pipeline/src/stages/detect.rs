//! The detect stage: proposals for one batch of a request's gathered records.
//!
//! Names of people the export does not know are learnt over the whole request first, by the
//! request's [`super::learn`] job ("Darren" learnt in one case note is proposed in all of
//! them). Each batch then runs on any worker, on the rayon pool, with those names: the
//! proposals are exactly those of one pass over the whole request, but a large file's detection
//! is shared between workers and a crash loses one batch, not the request's whole detection.

use std::collections::HashMap;

use sar_redaction::detect::{self, Detector, Policy};
use serde_json::json;

use super::{DETECT, StageError, StageResult};
use crate::export::{Person, PersonKind};
use crate::ids::RequestRef;
use crate::store::Db;
use crate::store::jobs::{Job, NewJob};
use crate::store::outputs::{JobOutput, ProposalRow};
use crate::store::records::RecordRow;

/// The detector's view of an exported person.
pub fn to_detect_person(p: &Person) -> detect::Person {
    detect::Person {
        id: p.id.as_str().to_string(),
        name: p.name.clone(),
        aliases: p.aliases.clone(),
        gender: p.gender.clone(),
        dob: p.dob.clone(),
        kind: Some(match p.kind {
            PersonKind::Worker => detect::PersonKind::Worker,
            PersonKind::Citizen => detect::PersonKind::Citizen,
        }),
        job_title: p.job_title.clone(),
        organisation: p.organisation.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        email: p.email.clone(),
        nhs_number: p.nhs_number.clone(),
        ni_number: p.ni_number.clone(),
        upn: p.upn.clone(),
    }
}

/// One piece of text to scan: a record's title, its text or a part of its document.
pub(crate) struct Piece {
    pub record: String,
    pub part: String,
    pub page: Option<u32>,
    pub text: String,
}

/// The pieces of one record: its title, then its text or its document's extracted parts.
pub(crate) async fn pieces_of(db: &Db, row: &RecordRow) -> Result<Vec<Piece>, StageError> {
    let mut pieces = Vec::new();
    if let Some(title) = &row.title {
        pieces.push(Piece {
            record: row.id.clone(),
            part: "title".into(),
            page: None,
            text: title.clone(),
        });
    }
    if let Some(text) = &row.body_text {
        pieces.push(Piece {
            record: row.id.clone(),
            part: "text".into(),
            page: None,
            text: text.clone(),
        });
    } else if let Some(sha) = &row.document_sha256
        && let Some(extracted) = db.extracted(sha).await?
    {
        for (part, page, text) in super::extract::parts(&extracted) {
            pieces.push(Piece {
                record: row.id.clone(),
                part,
                page,
                text,
            });
        }
    }
    Ok(pieces)
}

/// What every detector of a request is built from: the export's people and relationships.
pub(crate) async fn detector_inputs(
    db: &Db,
) -> Result<(Vec<detect::Person>, Vec<detect::Relationship>), StageError> {
    let people: Vec<detect::Person> = db.people().await?.iter().map(to_detect_person).collect();
    let relationships: Vec<detect::Relationship> = db
        .relationships()
        .await?
        .into_iter()
        .map(|(from, to, kind)| detect::Relationship {
            from: from.to_string(),
            to: to.to_string(),
            kind,
        })
        .collect();
    Ok((people, relationships))
}

/// The detect job of one batch: `records` (ids) of the request, detected with `names` learnt
/// over the whole request. Its key is the batch's number and content, so a re-run learn that
/// finds the same names and batches spawns nothing new.
pub fn job(request_ref: &str, batch: usize, records: &[String], names: &[String]) -> NewJob {
    let input = format!("{}\n--\n{}", names.join("\n"), records.join("\n"));
    let mut job = NewJob::new(
        DETECT,
        Some(request_ref),
        &format!("{request_ref}#{batch:05}"),
        &crate::blobs::sha256_hex(input.as_bytes()),
    );
    job.payload = json!({ "records": records });
    job.priority = 1;
    job
}

/// The record ids of a detect job's batch (from its payload).
pub fn batch_records(job: &Job) -> Vec<String> {
    job.payload_json()["records"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs a detect job: one batch of records.
pub async fn run(db: &Db, job: &Job) -> Result<StageResult, StageError> {
    let reference = RequestRef::new(job.request_ref.clone().unwrap_or_default());
    let request = db.require_request(&reference).await?;
    let Some(names) = db.lexicon(reference.as_str()).await? else {
        return Err(StageError::job(
            job,
            "the request's learn job has stored no names yet; run the request again",
        ));
    };
    let ids = batch_records(job);
    let (people, relationships) = detector_inputs(db).await?;
    let mut pieces = Vec::new();
    for id in &ids {
        let Some(row) = db.record(&crate::ids::RecordId::new(id.clone())).await? else {
            continue;
        };
        pieces.extend(pieces_of(db, &row).await?);
    }

    let subject = request.subject.to_string();
    let found = tokio::task::spawn_blocking(
        move || -> Result<(Vec<Piece>, Vec<Vec<detect::Proposal>>), String> {
            use rayon::prelude::*;
            let mut detector = Detector::new(people, &relationships, &subject, Policy::built_in())
                .map_err(|e| e.to_string())?;
            detector.add_learnt_names(names);
            let found = pieces
                .par_iter()
                .map(|p| detector.detect(&p.text))
                .collect();
            Ok((pieces, found))
        },
    )
    .await
    .map_err(|e| StageError::job(job, format!("detection crashed: {e}")))?
    .map_err(|e| StageError::job(job, e))?;
    let (pieces, found) = found;

    let mut by_record: HashMap<String, Vec<ProposalRow>> =
        ids.iter().map(|r| (r.clone(), Vec::new())).collect();
    for (piece, proposals) in pieces.iter().zip(found) {
        let rows = by_record.entry(piece.record.clone()).or_default();
        for p in proposals {
            rows.push(ProposalRow {
                record_id: piece.record.clone(),
                part: piece.part.clone(),
                page: piece.page.map(i64::from),
                start_byte: p.start as i64,
                end_byte: p.end as i64,
                text: p.text.clone(),
                category: serde_json::to_value(p.category)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                action: serde_json::to_value(p.action)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                code: p.code.to_string(),
                detector: p.detector.to_string(),
                entity: p.entity.clone(),
                confidence: f64::from(p.confidence),
            });
        }
    }
    let mut outputs: Vec<JobOutput> = by_record
        .into_iter()
        .map(|(record_id, proposals)| JobOutput::Proposals {
            request_ref: reference.to_string(),
            record_id,
            proposals,
        })
        .collect();
    outputs.sort_by(|a, b| match (a, b) {
        (JobOutput::Proposals { record_id: x, .. }, JobOutput::Proposals { record_id: y, .. }) => {
            x.cmp(y)
        }
        _ => std::cmp::Ordering::Equal,
    });
    Ok(StageResult::Done {
        outputs,
        spawn: vec![],
    })
}
