//! What goes into a bundle, read from the store: the gathered records in chronological order, each
//! with its text (or its PDF) and the redactions reviewers accepted, and the records that cannot be
//! disclosed (not processed, scans needing a person, copies included once).

use std::collections::{BTreeMap, HashMap};

use sar_redaction::pdf::{self, PdfError, Redacted, RedactionPlan};

use crate::blobs::BlobStore;
use crate::export::{Person, PersonKind};
use crate::review::{Reviewed, Standing};
use crate::stages::extract as extract_stage;
use crate::store::Db;
use crate::store::decisions::DecisionRow;
use crate::store::records::RecordRow;

use super::BundleError;
use super::layout::Inline;

/// Where a redaction came from, for the redaction log.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// `proposal:ID` or `manual:ID`.
    pub source: String,
    pub detector: String,
    pub reviewer: String,
    pub decided_at: i64,
}

/// One accepted redaction: a byte range of one part's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Redaction {
    pub start: usize,
    pub end: usize,
    pub code: String,
    pub provenance: Provenance,
}

/// A piece of text with its redactions.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Where the text comes from: `text`, `title`, `body`, `headers`, `attachment:NAME`.
    pub part: String,
    pub page: Option<u32>,
    pub text: String,
    pub redactions: Vec<Redaction>,
}

/// A record's body as it goes into the bundle.
#[derive(Debug, Clone)]
pub enum Content {
    /// Typeset: a text record, or a DOCX, email or text file's extracted parts.
    Text(Vec<Part>),
    /// A PDF document: its bytes and its pages' text with redactions (by page).
    Pdf { bytes: Vec<u8>, pages: Vec<Part> },
}

/// A record that goes into the bundle.
#[derive(Debug, Clone)]
pub struct Item {
    pub record: RecordRow,
    /// The author's role (job title), never their name.
    pub author_role: Option<String>,
    pub on_subjects_file: bool,
    pub title: Option<Part>,
    pub content: Content,
}

/// A record listed in the schedule instead of (or as well as) the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub record: RecordRow,
    pub outcome: ScheduleOutcome,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScheduleOutcome {
    /// Withheld in full (every word redacted, or a document that could not be redacted safely).
    Withheld,
    /// The file is missing, damaged or of a type we cannot read.
    NotProcessed,
    /// A scan or attachment nobody could read by machine: a person must look at it.
    NeedsReview,
    /// A copy of a record included elsewhere in the bundle.
    Copy,
}

/// Everything a bundle is made of.
pub struct Material {
    pub items: Vec<Item>,
    pub schedule: Vec<Scheduled>,
}

fn is_pdf(bytes: &[u8]) -> bool {
    bytes.len() > 5
        && bytes[..1024.min(bytes.len())]
            .windows(5)
            .any(|w| w == b"%PDF-")
}

/// Accepted redactions by `(record, part, page)`.
type RedactionMap = HashMap<(String, String, Option<u32>), Vec<Redaction>>;

fn accepted_redactions(reviewed: &[Reviewed], decisions: &[DecisionRow]) -> RedactionMap {
    let mut map: RedactionMap = HashMap::new();
    for r in reviewed {
        let p = &r.proposal;
        if r.standing != Standing::Accepted || p.action == "keep" {
            continue;
        }
        let key = (
            p.record_id.clone(),
            p.part.clone(),
            p.page.map(|n| n as u32),
        );
        map.entry(key).or_default().push(Redaction {
            start: p.start_byte.max(0) as usize,
            end: p.end_byte.max(0) as usize,
            code: r.effective_code.clone(),
            provenance: Provenance {
                source: format!("proposal:{}", p.id),
                detector: p.detector.clone(),
                reviewer: r.reviewer.clone().unwrap_or_default(),
                decided_at: r.decided_at.unwrap_or_default(),
            },
        });
    }
    for d in decisions.iter().filter(|d| d.scope == "manual") {
        let (Some(record), Some(part), Some(start), Some(end)) =
            (&d.record_id, &d.part, d.start_byte, d.end_byte)
        else {
            continue;
        };
        let key = (record.clone(), part.clone(), d.page.map(|n| n as u32));
        map.entry(key).or_default().push(Redaction {
            start: start.max(0) as usize,
            end: end.max(0) as usize,
            code: d.code.clone().unwrap_or_else(|| "TP".into()),
            provenance: Provenance {
                source: format!("manual:{}", d.id),
                detector: "manual".into(),
                reviewer: d.reviewer.clone(),
                decided_at: d.decided_at,
            },
        });
    }
    map
}

/// Widens a range outward to character boundaries (redact more, never less) and clamps it.
fn snap(text: &str, start: usize, end: usize) -> (usize, usize) {
    let mut s = start.min(text.len());
    let mut e = end.min(text.len()).max(s);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    (s, e)
}

fn part(
    map: &mut RedactionMap,
    record: &str,
    label: &str,
    page: Option<u32>,
    text: String,
) -> Part {
    let mut redactions = map
        .remove(&(record.to_string(), label.to_string(), page))
        .unwrap_or_default();
    for r in &mut redactions {
        (r.start, r.end) = snap(&text, r.start, r.end);
    }
    redactions.retain(|r| r.end > r.start);
    redactions.sort_by(|a, b| (a.start, a.end, &a.code).cmp(&(b.start, b.end, &b.code)));
    Part {
        part: label.to_string(),
        page,
        text,
        redactions,
    }
}

impl Part {
    /// The text with every redaction cut out (what a reader may see), for the leak gate.
    pub fn visible_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for r in &self.redactions {
            if r.start > at {
                out.push_str(&self.text[at..r.start]);
            }
            out.push(' ');
            at = at.max(r.end);
        }
        if at < self.text.len() {
            out.push_str(&self.text[at..]);
        }
        out
    }

    /// The text as inline pieces for typesetting: plain runs and redacted runs (overlapping
    /// redactions merge into one box with the first one's code).
    pub fn inlines(&self) -> Vec<Inline> {
        let mut out = Vec::new();
        let mut at = 0;
        let mut i = 0;
        while i < self.redactions.len() {
            let r = &self.redactions[i];
            let (start, mut end) = (r.start.max(at), r.end);
            let code = r.code.clone();
            i += 1;
            while i < self.redactions.len() && self.redactions[i].start < end {
                end = end.max(self.redactions[i].end);
                i += 1;
            }
            if end <= at {
                continue;
            }
            if start > at {
                out.push(Inline::Text(self.text[at..start].to_string()));
            }
            out.push(Inline::Redacted {
                text: self.text[start..end].to_string(),
                code,
            });
            at = end;
        }
        if at < self.text.len() {
            out.push(Inline::Text(self.text[at..].to_string()));
        }
        out
    }

    /// The text with each redaction shown as its code in brackets (bookmarks, plain lists).
    pub fn with_codes(&self) -> String {
        self.inlines()
            .into_iter()
            .map(|i| match i {
                Inline::Text(t) => t,
                Inline::Redacted { code, .. } => format!("[{code}]"),
            })
            .collect()
    }

    /// True when nothing readable is left once the redactions are applied.
    pub fn fully_redacted(&self) -> bool {
        !self.redactions.is_empty() && !self.visible_text().chars().any(char::is_alphanumeric)
    }
}

/// The gathered records whose detection did not finish (their detect batch failed or never
/// ran, or the request's names were never learnt), with the reason for the schedule.
async fn undetected_records(
    db: &Db,
    reference: &str,
    gathered: &[crate::store::outputs::GatheredRow],
) -> Result<HashMap<String, String>, BundleError> {
    let jobs = db.jobs_of(reference).await?;
    Ok(undetected(reference, &jobs, gathered))
}

/// [`undetected_records`] over the request's jobs: a record is detected when a detect job
/// that lists it is done (a later re-run may have succeeded where an earlier one failed).
fn undetected(
    reference: &str,
    jobs: &[crate::store::jobs::Job],
    gathered: &[crate::store::outputs::GatheredRow],
) -> HashMap<String, String> {
    use crate::stages::{DETECT, LEARN};
    use crate::store::jobs::DONE;
    let records_of = crate::stages::detect::batch_records;
    let detect_jobs: Vec<_> = jobs.iter().filter(|j| j.kind == DETECT).collect();
    let covered: std::collections::HashSet<String> = detect_jobs
        .iter()
        .filter(|j| j.state == DONE)
        .flat_map(|j| records_of(j))
        .collect();
    let again = format!("run `sar run {reference}` again, or review the record by hand");
    let mut why: HashMap<String, String> = HashMap::new();
    for job in detect_jobs.iter().filter(|j| j.state != DONE) {
        let error = job.last_error.as_deref().unwrap_or("no error recorded");
        for record in records_of(job) {
            why.entry(record).or_insert_with(|| {
                format!(
                    "detection of this record did not finish (job {}: {}, {error}); {again}",
                    job.subject, job.state
                )
            });
        }
    }
    let learnt = jobs.iter().any(|j| j.kind == LEARN && j.state == DONE);
    gathered
        .iter()
        .filter(|g| !covered.contains(&g.record_id))
        .map(|g| {
            let reason = why.remove(&g.record_id).unwrap_or_else(|| {
                if learnt {
                    format!("no detection job covered this record; {again}")
                } else {
                    format!(
                        "detection never ran for this request (its names were not learnt); {again}"
                    )
                }
            });
            (g.record_id.clone(), reason)
        })
        .collect()
}

/// Reads the bundle's material from the store.
pub async fn load(
    db: &Db,
    blobs: &BlobStore,
    reference: &str,
    reviewed: &[Reviewed],
    decisions: &[DecisionRow],
    subject: &str,
) -> Result<Material, BundleError> {
    let gathered = db.gathered(reference).await?;
    let records: HashMap<String, RecordRow> = db
        .records()
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let people: HashMap<String, Person> = db
        .people()
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p))
        .collect();
    let mut map = accepted_redactions(reviewed, decisions);
    let undetected = undetected_records(db, reference, &gathered).await?;
    let mut items = Vec::new();
    let mut schedule = Vec::new();
    for g in &gathered {
        let Some(row) = records.get(&g.record_id) else {
            continue;
        };
        if let Some(original) = &g.duplicate_of {
            schedule.push(Scheduled {
                record: row.clone(),
                outcome: ScheduleOutcome::Copy,
                reason: format!("a copy of record {original}, which is included"),
            });
            continue;
        }
        // A record that detection never finished has no proposals: it must not go out as if
        // nothing in it needed redacting.
        if let Some(reason) = undetected.get(&g.record_id) {
            schedule.push(Scheduled {
                record: row.clone(),
                outcome: ScheduleOutcome::NotProcessed,
                reason: reason.clone(),
            });
            continue;
        }
        if !row.is_processable() {
            schedule.push(Scheduled {
                record: row.clone(),
                outcome: ScheduleOutcome::NotProcessed,
                reason: row
                    .status_reason
                    .clone()
                    .unwrap_or_else(|| "the record could not be read".into()),
            });
            continue;
        }
        let title = row
            .title
            .clone()
            .map(|t| part(&mut map, &row.id, "title", None, t));
        let content = if let Some(text) = &row.body_text {
            Content::Text(vec![part(&mut map, &row.id, "text", None, text.clone())])
        } else if let Some(sha) = &row.document_sha256 {
            let Some(extracted) = db.extracted(sha).await? else {
                schedule.push(Scheduled {
                    record: row.clone(),
                    outcome: ScheduleOutcome::NotProcessed,
                    reason: "the document was not extracted; run `sar run` again".into(),
                });
                continue;
            };
            match extracted.status.as_str() {
                extract_stage::OK => {}
                extract_stage::NEEDS_REVIEW => {
                    schedule.push(Scheduled {
                        record: row.clone(),
                        outcome: ScheduleOutcome::NeedsReview,
                        reason: extracted.reason.clone().unwrap_or_else(|| {
                            "a scanned image with no readable text; a person must review it".into()
                        }),
                    });
                    continue;
                }
                _ => {
                    schedule.push(Scheduled {
                        record: row.clone(),
                        outcome: ScheduleOutcome::NotProcessed,
                        reason: extracted
                            .reason
                            .clone()
                            .unwrap_or_else(|| "the document could not be read".into()),
                    });
                    continue;
                }
            }
            let parts: Vec<Part> = extract_stage::parts(&extracted)
                .into_iter()
                .map(|(label, page, text)| part(&mut map, &row.id, &label, page, text))
                .collect();
            let bytes = blobs.get(sha).map_err(|e| BundleError::Document {
                record: row.id.clone(),
                detail: e.to_string(),
            })?;
            if is_pdf(&bytes) {
                Content::Pdf {
                    bytes,
                    pages: parts,
                }
            } else {
                Content::Text(parts)
            }
        } else {
            Content::Text(vec![])
        };
        let author_role = row.author.as_ref().and_then(|a| people.get(a)).map(|p| {
            match (&p.kind, &p.job_title) {
                (_, Some(t)) if !t.trim().is_empty() => t.clone(),
                (PersonKind::Worker, _) => "Worker".into(),
                (PersonKind::Citizen, _) => "Member of the public".into(),
            }
        });
        items.push(Item {
            on_subjects_file: row.file_of.as_deref() == Some(subject),
            author_role,
            title,
            content,
            record: row.clone(),
        });
    }
    items.sort_by(|a, b| {
        (&a.record.record_date, &a.record.id).cmp(&(&b.record.record_date, &b.record.id))
    });
    let mut protected: Vec<String> = Vec::new();
    for p in people.values() {
        if p.id.as_str() == subject || matches!(p.kind, PersonKind::Worker) {
            protected.push(p.name.clone());
            protected.extend(p.aliases.iter().cloned());
        }
    }
    let rejected = rejected_ranges(reviewed);
    apply_consistency(&mut items, &protected, &rejected);
    schedule.sort_by(|a, b| {
        (a.outcome, &a.record.record_date, &a.record.id).cmp(&(
            b.outcome,
            &b.record.record_date,
            &b.record.id,
        ))
    });
    Ok(Material { items, schedule })
}

/// Ranges reviewers chose to keep, by `(record, part, page)`.
type KeptRanges = HashMap<(String, String, Option<u32>), Vec<(usize, usize)>>;

fn rejected_ranges(reviewed: &[Reviewed]) -> KeptRanges {
    let mut out: KeptRanges = HashMap::new();
    for r in reviewed.iter().filter(|r| r.standing == Standing::Rejected) {
        let p = &r.proposal;
        out.entry((
            p.record_id.clone(),
            p.part.clone(),
            p.page.map(|n| n as u32),
        ))
        .or_default()
        .push((p.start_byte.max(0) as usize, p.end_byte.max(0) as usize));
    }
    out
}

/// A string withheld in one place is withheld everywhere in the bundle unless a reviewer decided
/// otherwise (`shared/domain.md`, consistency). Only strings that identify on their own are
/// spread: several words (a full name, a school, an address line) or anything with a digit (a
/// phone number, a postcode); a single first name may also be a word or someone else's name, so
/// it is left to the detector and the reviewer. Never the subject's or a worker's own names.
fn apply_consistency(items: &mut [Item], protected: &[String], kept: &KeptRanges) {
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let protected: std::collections::HashSet<String> = protected.iter().map(|s| fold(s)).collect();
    let mut seen: std::collections::BTreeMap<String, (String, Provenance)> = Default::default();
    for item in items.iter() {
        for p in item.parts() {
            for r in &p.redactions {
                let text = p.text[r.start..r.end].trim();
                let identifying = text.split_whitespace().count() >= 2
                    || text.chars().any(|c| c.is_ascii_digit());
                if !identifying || text.chars().filter(|c| c.is_alphanumeric()).count() < 4 {
                    continue;
                }
                let key = fold(text);
                if protected.contains(&key) {
                    continue;
                }
                seen.entry(key)
                    .or_insert_with(|| (r.code.clone(), r.provenance.clone()));
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    let terms: Vec<&String> = seen.keys().collect();
    let sources: Vec<&(String, Provenance)> = seen.values().collect();
    let matcher = pdf::TermMatcher::new(&terms);
    for item in items.iter_mut() {
        let record = item.record.id.clone();
        let body: &mut Vec<Part> = match &mut item.content {
            Content::Text(parts) => parts,
            Content::Pdf { pages, .. } => pages,
        };
        let parts: Vec<&mut Part> = body.iter_mut().chain(item.title.iter_mut()).collect();
        for part in parts {
            let keep = kept.get(&(record.clone(), part.part.clone(), part.page));
            let mut added = Vec::new();
            for m in matcher.find_in_text(&part.text) {
                let overlaps = |a: usize, b: usize| m.start < b && a < m.end;
                if part.redactions.iter().any(|r| overlaps(r.start, r.end))
                    || keep.is_some_and(|k| k.iter().any(|&(a, b)| overlaps(a, b)))
                    || added.iter().any(|r: &Redaction| overlaps(r.start, r.end))
                {
                    continue;
                }
                let (code, source) = sources[m.term];
                added.push(Redaction {
                    start: m.start,
                    end: m.end,
                    code: code.clone(),
                    provenance: Provenance {
                        source: format!("consistency:{}", source.source),
                        detector: "consistency".into(),
                        reviewer: source.reviewer.clone(),
                        decided_at: source.decided_at,
                    },
                });
            }
            if !added.is_empty() {
                part.redactions.extend(added);
                part.redactions
                    .sort_by(|a, b| (a.start, a.end, &a.code).cmp(&(b.start, b.end, &b.code)));
            }
        }
    }
}

/// A PDF document after true redaction, or why it must be withheld.
pub enum RedactedDocument {
    Done(Redacted),
    Withheld(String),
}

/// Redacts one PDF item's pages with its accepted ranges. `redactor` is the engine
/// (`sar_redaction::pdf::redact`; tests pass a broken one to prove the leak gate).
pub fn redact_pdf(
    bytes: &[u8],
    pages: &[Part],
    box_style: pdf::BoxStyle,
    redactor: &Redactor,
) -> RedactedDocument {
    let plan = RedactionPlan {
        ranges: pages
            .iter()
            .flat_map(|p| {
                p.redactions.iter().map(|r| pdf::RangeRedaction {
                    page: p.page.unwrap_or(1),
                    start: r.start,
                    end: r.end,
                    code: r.code.clone(),
                })
            })
            .collect(),
        box_style,
        ..RedactionPlan::default()
    };
    match redactor(bytes, &plan) {
        Ok(r) => RedactedDocument::Done(r),
        Err(PdfError::NeedsReview { page, reason }) => RedactedDocument::Withheld(match page {
            Some(p) => {
                format!("page {p} could not be redacted safely ({reason}); a person must review it")
            }
            None => format!(
                "the document could not be redacted safely ({reason}); a person must review it"
            ),
        }),
        Err(e) => RedactedDocument::Withheld(format!(
            "the document could not be redacted safely ({e}); a person must review it"
        )),
    }
}

/// The PDF redaction engine, as a function so that tests can swap in a faulty one.
pub type Redactor = dyn Fn(&[u8], &RedactionPlan) -> Result<Redacted, PdfError> + Sync;

/// Codes used, with how many redactions each.
pub fn codes_used(items: &[Item]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for item in items {
        for p in item.parts() {
            for r in &p.redactions {
                *out.entry(r.code.clone()).or_insert(0) += 1;
            }
        }
    }
    out
}

impl Item {
    /// Every part of the record (title first).
    pub fn parts(&self) -> impl Iterator<Item = &Part> {
        let body: &[Part] = match &self.content {
            Content::Text(parts) => parts,
            Content::Pdf { pages, .. } => pages,
        };
        self.title.iter().chain(body.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::jobs::Job;
    use crate::store::outputs::GatheredRow;

    fn job(kind: &str, subject: &str, state: &str, records: &[&str], error: Option<&str>) -> Job {
        Job {
            id: 1,
            kind: kind.into(),
            request_ref: Some("SAR-1".into()),
            subject: subject.into(),
            input_sha256: "x".into(),
            payload: serde_json::json!({ "records": records }).to_string(),
            state: state.into(),
            priority: 0,
            attempts: 5,
            max_attempts: 5,
            run_at: 0,
            lease_owner: None,
            lease_until: None,
            last_error: error.map(String::from),
        }
    }

    fn gathered(ids: &[&str]) -> Vec<GatheredRow> {
        ids.iter()
            .map(|id| GatheredRow {
                record_id: (*id).into(),
                reasons: "[]".into(),
                duplicate_of: None,
            })
            .collect()
    }

    #[test]
    fn records_of_a_failed_detect_batch_are_not_disclosed_as_detected() {
        let jobs = vec![
            job("learn", "SAR-1", "done", &[], None),
            job("detect", "SAR-1#00000", "done", &["R1", "R2"], None),
            job(
                "detect",
                "SAR-1#00001",
                "failed",
                &["R3", "R4"],
                Some("disk full"),
            ),
            // An earlier failed batch whose record a later batch detected.
            job("detect", "SAR-1#00002", "failed", &["R1"], Some("old")),
        ];
        let out = undetected("SAR-1", &jobs, &gathered(&["R1", "R2", "R3", "R4", "R5"]));
        let mut ids: Vec<&str> = out.keys().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, vec!["R3", "R4", "R5"]);
        assert!(
            out["R3"].contains("SAR-1#00001: failed, disk full"),
            "{}",
            out["R3"]
        );
        assert!(out["R3"].contains("sar run SAR-1"), "{}", out["R3"]);
        assert!(out["R5"].starts_with("no detection job covered this record"));
        // Nothing learnt, nothing detected: every record is held back.
        let none = undetected("SAR-1", &[], &gathered(&["R1"]));
        assert!(
            none["R1"].starts_with("detection never ran"),
            "{}",
            none["R1"]
        );
    }

    fn red(start: usize, end: usize) -> Redaction {
        Redaction {
            start,
            end,
            code: "TP".into(),
            provenance: Provenance {
                source: "proposal:1".into(),
                detector: "t".into(),
                reviewer: "ann".into(),
                decided_at: 0,
            },
        }
    }

    #[test]
    fn visible_text_cuts_out_every_redaction_even_overlapping_ones() {
        let p = Part {
            part: "text".into(),
            page: None,
            text: "Karen Reid visited Jo".into(),
            redactions: vec![red(0, 5), red(3, 10), red(19, 21)],
        };
        let visible = p.visible_text();
        assert!(visible.contains(" visited "));
        assert!(!visible.contains("Karen") && !visible.contains("Reid") && !visible.contains("Jo"));
        assert!(!p.fully_redacted());
        assert_eq!(p.with_codes(), "[TP] visited [TP]");
        assert_eq!(
            p.inlines()[0],
            Inline::Redacted {
                text: "Karen Reid".into(),
                code: "TP".into()
            }
        );
    }

    fn item(id: &str, text: &str, redactions: Vec<Redaction>) -> Item {
        Item {
            record: RecordRow {
                id: id.into(),
                kind: "case_note".into(),
                file_of: None,
                record_date: "2020-01-01".into(),
                author: None,
                title: None,
                people: "[]".into(),
                body_text: Some(text.into()),
                file_path: None,
                document_sha256: None,
                content_sha256: String::new(),
                fingerprint: String::new(),
                status: "ok".into(),
                status_reason: None,
                extra: "{}".into(),
                import_id: 1,
                updated_at: 0,
            },
            author_role: None,
            on_subjects_file: true,
            title: None,
            content: Content::Text(vec![Part {
                part: "text".into(),
                page: None,
                text: text.into(),
                redactions,
            }]),
        }
    }

    fn texts_redacted(item: &Item) -> Vec<String> {
        item.parts()
            .flat_map(|p| {
                p.redactions
                    .iter()
                    .map(|r| p.text[r.start..r.end].to_string())
            })
            .collect()
    }

    #[test]
    fn a_withheld_school_or_address_is_withheld_everywhere_but_not_a_lone_first_name() {
        let mut items = vec![
            item(
                "R-1",
                "Kai goes to Greenvale Infant School.",
                vec![red(0, 3), red(12, 35)],
            ),
            item(
                "R-2",
                "Kai said GREENVALE  infant school was fun; Jo Hart visited.",
                vec![],
            ),
            item("R-3", "Jo Hart is the subject.", vec![red(0, 7)]),
        ];
        apply_consistency(&mut items, &["Jo Hart".to_string()], &KeptRanges::new());
        assert_eq!(texts_redacted(&items[1]), ["GREENVALE  infant school"]);
        // A reviewer's keep stands.
        let mut items = vec![
            item("R-1", "at Greenvale Infant School", vec![red(3, 26)]),
            item("R-2", "at Greenvale Infant School", vec![]),
        ];
        let kept: KeptRanges = [(("R-2".into(), "text".into(), None), vec![(3, 26)])].into();
        apply_consistency(&mut items, &[], &kept);
        assert!(texts_redacted(&items[1]).is_empty());
    }

    #[test]
    fn ranges_are_widened_to_character_boundaries() {
        let text = "Zoë Hart";
        assert_eq!(snap(text, 3, 7), (2, 7));
        assert_eq!(snap(text, 0, 3), (0, 4));
        assert_eq!(snap(text, 0, 99), (0, text.len()));
    }
}
