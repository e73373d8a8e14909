//! Extraction over every document of every dev-corpus export, scored against the labels:
//! each record's outcome must match (`not_processed` ↔ an error, scans ↔ needs review), and every
//! checkable marker of a non-PDF record must be found in the extracted text.
//!
//! PDFs (and markers that sit in an email's PDF attachment) depend on the PDF reader; while it
//! cannot read a PDF they are counted as pending, not failed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sar_redaction::extract::{ExtractError, Extracted, PartKind, extract};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/dev"
    ));
    dir.join("labels").is_dir().then(|| dir.to_path_buf())
}

/// NFKC, straight quotes, whitespace collapsed: how the labels write file text.
fn normalise(text: &str) -> String {
    let straightened: String = text
        .nfkc()
        .map(|ch| match ch {
            '\u{2018}' | '\u{2019}' | '\u{201b}' | '\u{2032}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201f}' | '\u{2033}' => '"',
            other => other,
        })
        .collect();
    straightened
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Default)]
struct Tally {
    records: usize,
    outcome_ok: usize,
    outcome_pending_pdf: usize,
    markers_checked: usize,
    markers_found: usize,
    markers_pending_pdf: usize,
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Processed,
    NeedsReview,
    NotProcessed,
}

fn outcome_of(result: &Result<Extracted, ExtractError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Processed,
        Err(ExtractError::NeedsReview { .. }) => Outcome::NeedsReview,
        Err(_) => Outcome::NotProcessed,
    }
}

#[test]
fn every_corpus_document_extracts_as_labelled() {
    let Some(corpus) = corpus_dir() else {
        println!("SKIPPED: shared dev corpus not found beside the repository");
        return;
    };
    let mut label_files: Vec<PathBuf> = std::fs::read_dir(corpus.join("labels"))
        .expect("labels directory is readable")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "json")
                && !path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with('_'))
        })
        .collect();
    label_files.sort();
    assert!(!label_files.is_empty(), "no label files in the corpus");

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut spans = SpanTally::default();
    for label_file in &label_files {
        let labels: Value =
            serde_json::from_slice(&std::fs::read(label_file).expect("label file is readable"))
                .expect("label file is JSON");
        let export_dir = corpus.join(labels["export_dir"].as_str().expect("export_dir"));
        let records = labels["records"].as_object().expect("records object");
        let mut results: HashMap<&str, Result<Extracted, ExtractError>> = HashMap::new();
        for (record_id, record) in records {
            let Some(file) = record["file"].as_str() else {
                continue; // held as text in export.json: nothing to extract
            };
            let file_type = record["file_type"].as_str().unwrap_or("?").to_owned();
            let tally = tallies.entry(file_type.clone()).or_default();
            tally.records += 1;
            let is_pdf = file_type == "pdf";
            let expected = if record["expected_outcome"] == "not_processed" {
                Outcome::NotProcessed
            } else if record["needs_review"] == true {
                Outcome::NeedsReview
            } else {
                Outcome::Processed
            };

            let result = match std::fs::read(export_dir.join(file)) {
                Ok(bytes) => extract(file, &bytes),
                Err(_) => Err(ExtractError::Corrupt {
                    file: file.to_owned(),
                    reason: "file missing from the export".to_owned(),
                }),
            };
            let outcome = outcome_of(&result);
            // Any error means "listed as not processed"; a scan must say it needs review.
            let outcome_matches = match expected {
                Outcome::NotProcessed => outcome != Outcome::Processed,
                _ => outcome == expected,
            };
            if outcome_matches {
                tally.outcome_ok += 1;
            } else if is_pdf {
                tally.outcome_pending_pdf += 1;
            } else {
                let reason = result.as_ref().err().map(ExtractError::reason);
                failures.push(format!(
                    "{record_id} ({file_type}): expected {expected:?}, got {outcome:?} {reason:?}"
                ));
            }

            check_marker(record_id, record, &result, tally, &mut failures);
            results.insert(record_id.as_str(), result);
        }
        check_spans(&labels, records, &results, &mut spans, &mut failures);
    }

    println!(
        "{:<6} {:>7} {:>10} {:>12} {:>8} {:>8} {:>12}",
        "type", "records", "outcome ok", "pending pdf", "markers", "found", "pending pdf"
    );
    for (file_type, tally) in &tallies {
        println!(
            "{:<6} {:>7} {:>10} {:>12} {:>8} {:>8} {:>12}",
            file_type,
            tally.records,
            tally.outcome_ok,
            tally.outcome_pending_pdf,
            tally.markers_checked,
            tally.markers_found,
            tally.markers_pending_pdf
        );
    }
    println!(
        "labelled spans in DOCX/EML/TXT files: {} checked, {} found in their part, {} pending \
         (in an unread PDF attachment)",
        spans.checked, spans.found, spans.pending_pdf
    );
    for failure in &failures {
        println!("FAIL {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} record(s) extracted differently from their labels",
        failures.len()
    );
}

fn check_marker(
    record_id: &str,
    record: &Value,
    result: &Result<Extracted, ExtractError>,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) {
    if record["marker_checkable"] != true {
        return;
    }
    let Some(marker) = record["marker"].as_str() else {
        return;
    };
    let is_pdf = record["file_type"] == "pdf";
    tally.markers_checked += 1;
    let Ok(extracted) = result else {
        if is_pdf {
            tally.markers_pending_pdf += 1;
        }
        return;
    };
    if normalise(&extracted.full_text()).contains(&normalise(marker)) {
        tally.markers_found += 1;
    } else if is_pdf || !extracted.unread_attachments.is_empty() {
        tally.markers_pending_pdf += 1;
    } else {
        failures.push(format!(
            "{record_id} ({}): marker not found in the extracted text",
            record["file_type"]
        ));
    }
}

#[derive(Default)]
struct SpanTally {
    checked: usize,
    found: usize,
    pending_pdf: usize,
}

/// Every labelled span located in a non-PDF file must occur in the part the label names
/// (headers, body, or the named attachment), as often as its `occurrence` says.
fn check_spans(
    labels: &Value,
    records: &serde_json::Map<String, Value>,
    results: &HashMap<&str, Result<Extracted, ExtractError>>,
    tally: &mut SpanTally,
    failures: &mut Vec<String>,
) {
    let Some(subjects) = labels["subjects"].as_array() else {
        return;
    };
    for span in subjects
        .iter()
        .filter_map(|subject| subject["spans"].as_array())
        .flatten()
        .filter(|span| span["field"] == "file" && span["needs_review"] != true)
    {
        let record_id = span["record_id"].as_str().unwrap_or_default();
        let file_type = records
            .get(record_id)
            .and_then(|record| record["file_type"].as_str())
            .unwrap_or_default();
        if !matches!(file_type, "docx" | "eml" | "txt") {
            continue;
        }
        let Some(Ok(extracted)) = results.get(record_id) else {
            continue; // the outcome check already reported it
        };
        tally.checked += 1;
        let part = span["part"].as_str().unwrap_or("body");
        let attachment = span["attachment"].as_str().unwrap_or_default();
        let text: Vec<&str> = extracted
            .parts
            .iter()
            .filter(|p| match (&p.kind, part) {
                (PartKind::Headers, "headers") | (PartKind::Body, "body") => true,
                (PartKind::Attachment(name), "attachment") => {
                    name == attachment || name.ends_with(&format!("/{attachment}"))
                }
                _ => false,
            })
            .map(|p| p.text.as_str())
            .collect();
        let haystack = normalise(&text.join("\n"));
        let needle = normalise(span["text"].as_str().unwrap_or_default());
        let wanted = span["occurrence"].as_u64().unwrap_or(0) as usize + 1;
        if !needle.is_empty() && haystack.matches(&needle).count() >= wanted {
            tally.found += 1;
        } else if part == "attachment"
            && extracted
                .unread_attachments
                .iter()
                .any(|name| name.ends_with(attachment))
        {
            tally.pending_pdf += 1;
        } else {
            failures.push(format!(
                "{record_id} ({file_type}): labelled {} span #{wanted} not found in part {part}",
                span["category"]
            ));
        }
    }
}
