//! The detect stage: proposals for every gathered record of a request.
//!
//! Detection runs over the whole request at once, in two passes ([`Detector::detect_all`]): the
//! first learns names of people the export does not know from context anywhere in the request,
//! the second proposes every occurrence of every name, so "Darren" learnt in one case note is
//! proposed in all of them. Both passes run in parallel on the rayon pool.

use std::collections::HashMap;

use sar_redaction::detect::{self, Detector, Policy};

use super::{StageError, StageResult};
use crate::export::{Person, PersonKind};
use crate::ids::RequestRef;
use crate::store::Db;
use crate::store::jobs::Job;
use crate::store::outputs::{JobOutput, ProposalRow};

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

/// One piece of text to scan: a record's title, its text, or a part of its document.
struct Piece {
    record: String,
    part: String,
    page: Option<u32>,
    text: String,
}

/// Runs a detect job.
pub async fn run(db: &Db, job: &Job) -> Result<StageResult, StageError> {
    let reference = RequestRef::new(job.subject.clone());
    let request = db.require_request(&reference).await?;
    let gathered = db.gathered(reference.as_str()).await?;
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
    let rows: HashMap<String, _> = db
        .records()
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();

    let mut pieces = Vec::new();
    let mut records = Vec::new();
    for g in &gathered {
        let Some(row) = rows.get(&g.record_id) else {
            continue;
        };
        records.push(g.record_id.clone());
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
    }

    let subject = request.subject.to_string();
    let found = tokio::task::spawn_blocking(
        move || -> Result<(Vec<Piece>, Vec<Vec<detect::Proposal>>), String> {
            let mut detector = Detector::new(people, &relationships, &subject, Policy::built_in())
                .map_err(|e| e.to_string())?;
            let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
            let found = detector.detect_all(&texts);
            Ok((pieces, found))
        },
    )
    .await
    .map_err(|e| StageError::job(job, format!("detection crashed: {e}")))?
    .map_err(|e| StageError::job(job, e))?;
    let (pieces, found) = found;

    let mut by_record: HashMap<String, Vec<ProposalRow>> =
        records.iter().map(|r| (r.clone(), Vec::new())).collect();
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
