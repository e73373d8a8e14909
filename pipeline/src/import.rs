//! Loading a records export into the store.
//!
//! - Idempotent: each record's fingerprint (its fields and the hash of its body) is compared with
//!   the stored one, so importing the same export again changes nothing, and a newer export adds
//!   and updates records without deleting any (review decisions refer to records by id and
//!   survive).
//! - Documents are copied into the blob store under their SHA-256; the export is never modified.
//! - Problems confined to some records or files are listed, and those records are stored as
//!   `not_processed` with the reason, so they reach the bundle's schedule instead of vanishing.

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::blobs::{BlobStore, sha256_hex};
use crate::export::{Body, Export, ExportError, Problem, ProblemSubject, Record};
use crate::ids::PersonId;
use crate::store::records::{RecordRow, STATUS_NOT_PROCESSED, STATUS_OK};
use crate::store::{Db, StoreError, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The export cannot be read at all.
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot store documents under {dir}: {source}; check the disk and permissions")]
    Blobs {
        dir: String,
        #[source]
        source: std::io::Error,
    },
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub source: String,
    pub import_id: i64,
    pub people: usize,
    pub relationships: usize,
    pub records: usize,
    pub records_added: usize,
    pub records_updated: usize,
    pub records_unchanged: usize,
    pub documents: usize,
    pub documents_stored: usize,
    pub not_processed: usize,
    pub problems: Vec<Problem>,
}

/// Imports an export (directory or `.zip`) into the store.
pub async fn import(db: &Db, blobs: &BlobStore, path: &Path) -> Result<ImportReport, ImportError> {
    let export = Export::open(path)?;
    let source = export.location().display().to_string();
    let import_id = db
        .begin_import(
            &source,
            export.source_system.as_deref(),
            export.exported_at.as_deref(),
        )
        .await?;
    let mut report = ImportReport {
        source,
        import_id,
        ..Default::default()
    };

    db.upsert_people(import_id, &export.people).await?;
    report.people = export.people.len();
    let edges: Vec<(PersonId, PersonId, String)> = export
        .relationships
        .iter()
        .map(|r| (r.from.clone(), r.to.clone(), r.kind.clone()))
        .collect();
    db.insert_relationships(&edges).await?;
    report.relationships = edges.len();

    // Reading and hashing documents is CPU and disk work: do it on the rayon pool, off the
    // async runtime's threads.
    let (export, prepared) = tokio::task::spawn_blocking({
        let blobs = blobs.clone();
        move || {
            let prepared = prepare_records(&export, &blobs, import_id);
            (export, prepared)
        }
    })
    .await
    .map_err(|e| ImportError::Blobs {
        dir: blobs.root().display().to_string(),
        source: std::io::Error::other(e),
    })?;
    let prepared = prepared?;

    let known = db.record_fingerprints().await?;
    let mut changed_rows = Vec::new();
    let mut file_problems = Vec::new();
    for item in prepared {
        if let Some(p) = item.problem {
            file_problems.push(p);
        }
        if let Some((sha, size, _)) = &item.document {
            db.insert_document(sha, *size).await?;
        }
        report.documents += usize::from(item.document.is_some());
        report.documents_stored += usize::from(item.document.as_ref().is_some_and(|d| d.2));
        report.not_processed += usize::from(item.row.status == STATUS_NOT_PROCESSED);
        match known.get(&item.row.id) {
            Some(f) if *f == item.row.fingerprint => report.records_unchanged += 1,
            Some(_) => {
                report.records_updated += 1;
                changed_rows.push(item.row);
            }
            None => {
                report.records_added += 1;
                changed_rows.push(item.row);
            }
        }
    }
    report.records = report.records_added + report.records_updated + report.records_unchanged;
    for chunk in changed_rows.chunks(2_000) {
        db.upsert_records(chunk).await?;
    }

    report.problems = export.problems.clone();
    report.problems.extend(file_problems);
    let summary = serde_json::to_value(&report).unwrap_or(serde_json::Value::Null);
    db.finish_import(import_id, &summary).await?;
    Ok(report)
}

struct Prepared {
    row: RecordRow,
    /// (sha256, size, newly stored)
    document: Option<(String, u64, bool)>,
    problem: Option<Problem>,
}

fn prepare_records(
    export: &Export,
    blobs: &BlobStore,
    import_id: i64,
) -> Result<Vec<Prepared>, ImportError> {
    let unprocessable = export.unprocessable();
    let now = now_ms();
    let mut out: Vec<Prepared> = export
        .records
        .par_iter()
        .map(|record| -> Result<Prepared, ImportError> {
            let mut reasons: Vec<String> = unprocessable
                .get(&record.id)
                .map(|v| v.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default();
            let mut document = None;
            let mut problem = None;
            let content_sha256 = match &record.body {
                Body::Text(text) => sha256_hex(text.as_bytes()),
                Body::File(path) if reasons.is_empty() => match export.read_file(path) {
                    Ok(bytes) => {
                        let (sha, new) = blobs.put(&bytes).map_err(|e| ImportError::Blobs {
                            dir: blobs.root().display().to_string(),
                            source: e,
                        })?;
                        document = Some((sha.clone(), bytes.len() as u64, new));
                        sha
                    }
                    Err(e) => {
                        let message = format!("{e}; the record is listed as not processed");
                        problem = Some(Problem {
                            subject: ProblemSubject::Record(record.id.to_string()),
                            record: Some(record.id.clone()),
                            message: message.clone(),
                        });
                        reasons.push(e.to_string());
                        sha256_hex(format!("unreadable:{path}").as_bytes())
                    }
                },
                Body::File(path) => sha256_hex(format!("unreadable:{path}").as_bytes()),
            };
            let row = record_row(
                record,
                document.as_ref().map(|d| d.0.clone()),
                content_sha256,
                &reasons,
                import_id,
                now,
            );
            Ok(Prepared {
                row,
                document,
                problem,
            })
        })
        .collect::<Result<_, _>>()?;

    // Records that could not be parsed at all still get a row, so they reach the schedule.
    let parsed: HashSet<&str> = export.records.iter().map(|r| r.id.as_str()).collect();
    for p in &export.problems {
        if let Some(id) = &p.record
            && !parsed.contains(id.as_str())
        {
            let mut row = RecordRow {
                id: id.to_string(),
                kind: "unknown".into(),
                file_of: None,
                record_date: String::new(),
                author: None,
                title: None,
                people: "[]".into(),
                body_text: None,
                file_path: None,
                document_sha256: None,
                content_sha256: sha256_hex(format!("unparseable:{id}").as_bytes()),
                fingerprint: String::new(),
                status: STATUS_NOT_PROCESSED.into(),
                status_reason: Some(p.message.clone()),
                extra: "{}".into(),
                import_id,
                updated_at: now,
            };
            row.fingerprint = fingerprint(&row);
            out.push(Prepared {
                row,
                document: None,
                problem: None,
            });
        }
    }
    Ok(out)
}

fn record_row(
    record: &Record,
    document_sha256: Option<String>,
    content_sha256: String,
    reasons: &[String],
    import_id: i64,
    now: i64,
) -> RecordRow {
    let people: Vec<&str> = record.people.iter().map(|p| p.as_str()).collect();
    let mut row = RecordRow {
        id: record.id.to_string(),
        kind: record.kind.clone(),
        file_of: Some(record.file_of.to_string()),
        record_date: record.date.clone(),
        author: record.author.as_ref().map(|a| a.to_string()),
        title: record.title.clone(),
        people: serde_json::to_string(&people).unwrap_or_else(|_| "[]".into()),
        body_text: record.text().map(str::to_string),
        file_path: record.file().map(str::to_string),
        document_sha256,
        content_sha256,
        fingerprint: String::new(),
        status: if reasons.is_empty() {
            STATUS_OK
        } else {
            STATUS_NOT_PROCESSED
        }
        .into(),
        status_reason: if reasons.is_empty() {
            None
        } else {
            Some(reasons.join("; "))
        },
        extra: serde_json::Value::Object(record.extra.clone()).to_string(),
        import_id,
        updated_at: now,
    };
    row.fingerprint = fingerprint(&row);
    row
}

/// A hash of everything imported about a record (not when or by which import).
fn fingerprint(row: &RecordRow) -> String {
    let mut h = Sha256::new();
    for field in [
        Some(row.kind.as_str()),
        row.file_of.as_deref(),
        Some(row.record_date.as_str()),
        row.author.as_deref(),
        row.title.as_deref(),
        Some(row.people.as_str()),
        Some(row.content_sha256.as_str()),
        row.file_path.as_deref(),
        Some(row.status.as_str()),
        row.status_reason.as_deref(),
        Some(row.extra.as_str()),
    ] {
        match field {
            Some(s) => {
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}
