//! The disclosure bundle: approved redactions applied, pages assembled, leaks checked, files
//! written.
//!
//! ```text
//! store ─material─▶ items (text + accepted redactions, PDFs) ─redact PDFs (rayon)─▶
//!   compose (letter, key, chronology, index, records, glossary, schedule, gaps, support)
//!   ─render (krilla)─▶ disclosure + review copy volumes ─leak gate─▶ log, manifest ─▶ DIR
//! ```
//!
//! Nothing reaches the output directory until the leak gate has re-read the disclosure and found
//! no redacted string in it beyond those the reviewers chose to leave visible elsewhere; every
//! file is written aside and renamed into place. The same request and decisions give the same
//! bytes.

mod chronology;
mod compose;
pub mod config;
mod gate;
mod layout;
mod log;
mod material;
mod render;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sar_redaction::pdf::{self, BoxStyle, Fill};
use serde::Serialize;

use crate::blobs::BlobStore;
use crate::deadline::{self, HolidayCalendar};
use crate::gather::SearchLog;
use crate::ids::RequestRef;
use crate::request::RequesterRelationship;
use crate::review::{self, Standing};
use crate::store::{Db, StoreError};

pub use config::{BoxColour, BundleConfig};
pub use material::Redactor;

use layout::{LaidPage, Op};
use material::{Content, RedactedDocument, ScheduleOutcome, Scheduled};
use render::{Copy, DocumentSource, Volume};

/// One volume rendered: the disclosure's bytes and the review copy's.
type Rendered = (Vec<u8>, Vec<u8>);

/// Why a bundle was not built. Nothing is written to the output directory in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(
        "request {reference} has {pending} pending proposal(s) in {records} record(s) (first: record {first}); decide them (`sar review list {reference} --pending`) or accept them all (`sar review approve-all {reference}`), then sign off"
    )]
    Pending {
        reference: String,
        pending: usize,
        records: usize,
        first: String,
    },
    #[error(
        "request {reference} {why}; a second person signs off with `sar review sign-off {reference} --approver NAME`"
    )]
    NotSignedOff { reference: String, why: String },
    #[error(
        "the leak gate stopped the bundle: {count} redacted string(s) can still be read in the disclosure ({places}); nothing was written. Review those records by hand (`sar review list`), or withhold them"
    )]
    Leak { count: usize, places: String },
    #[error("bundle template {path}: {detail}")]
    Config { path: String, detail: String },
    #[error(
        "record {record}: its document cannot be read from the document store ({detail}); run `sar import` again"
    )]
    Document { record: String, detail: String },
    #[error("the bundle could not be rendered: {0}")]
    Render(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("request {reference}: {detail}")]
    Deadline { reference: String, detail: String },
}

/// How to build a bundle.
#[derive(Debug, Clone)]
pub struct BundleOptions {
    pub out_dir: PathBuf,
    pub config: BundleConfig,
    /// Box colour; by default pale grey for care leavers and black otherwise (from the template).
    pub box_colour: Option<BoxColour>,
    /// Pages per volume (at most 500 by default).
    pub volume_pages: usize,
}

impl BundleOptions {
    pub fn new(out_dir: impl Into<PathBuf>) -> BundleOptions {
        BundleOptions {
            out_dir: out_dir.into(),
            config: BundleConfig::built_in(),
            box_colour: None,
            volume_pages: 500,
        }
    }
}

/// One written file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileEntry {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// What was built.
#[derive(Debug, Clone, Serialize)]
pub struct BundleSummary {
    pub reference: String,
    pub out_dir: String,
    pub disclosure: Vec<String>,
    pub review_copy: Vec<String>,
    pub pages: usize,
    pub volumes: usize,
    pub records_included: usize,
    pub records_in_schedule: usize,
    pub redactions: usize,
    pub redactions_by_code: BTreeMap<String, usize>,
    pub due: String,
    pub care_leaver: bool,
    pub box_colour: String,
    pub chronology_events: usize,
    pub glossary_terms: usize,
    pub files: Vec<FileEntry>,
}

/// Builds the bundle with the real redaction engine.
pub async fn build(
    db: &Db,
    blobs: &BlobStore,
    reference: &str,
    options: &BundleOptions,
) -> Result<BundleSummary, BundleError> {
    build_with(db, blobs, reference, options, &pdf::redact).await
}

/// The subject is a care leaver: the request says so, or they are 18 or over and the records
/// show they were looked after.
fn is_care_leaver(
    flagged: bool,
    dob: Option<&str>,
    on: jiff::civil::Date,
    items: &[material::Item],
) -> bool {
    if flagged {
        return true;
    }
    let adult = dob
        .and_then(|d| d.get(..10)?.parse::<jiff::civil::Date>().ok())
        .and_then(|d| d.checked_add(jiff::Span::new().years(18)).ok())
        .is_some_and(|eighteen| eighteen <= on);
    if !adult {
        return false;
    }
    const SIGNS: &[&str] = &[
        "looked after",
        "looked-after",
        "foster carer",
        "foster placement",
        "care order",
        "section 20",
        "children's home",
        "pathway plan",
        "cla review",
        "lac review",
    ];
    items.iter().any(|item| {
        item.parts().any(|p| {
            let t = p.visible_text().to_lowercase();
            SIGNS.iter().any(|s| t.contains(s))
        })
    })
}

/// Builds the bundle, redacting PDFs with `redactor`.
pub async fn build_with(
    db: &Db,
    blobs: &BlobStore,
    reference: &str,
    options: &BundleOptions,
    redactor: &Redactor,
) -> Result<BundleSummary, BundleError> {
    let request = db.require_request(&RequestRef::new(reference)).await?;
    let reference = request.reference.to_string();
    let proposals = db.proposals(&reference).await?;
    let decisions = db.decisions(&reference).await?;
    let reviewed = review::review(proposals, &decisions);
    let pending: Vec<_> = reviewed
        .iter()
        .filter(|r| r.standing == Standing::Pending)
        .collect();
    if let Some(first) = pending.first() {
        let mut records: Vec<&str> = pending
            .iter()
            .map(|r| r.proposal.record_id.as_str())
            .collect();
        records.sort();
        records.dedup();
        return Err(BundleError::Pending {
            reference,
            pending: pending.len(),
            records: records.len(),
            first: first.proposal.record_id.clone(),
        });
    }
    let signoffs = db.signoffs(&reference).await?;
    let Some(last_signoff) = signoffs.last() else {
        return Err(BundleError::NotSignedOff {
            reference,
            why: "has not been signed off".into(),
        });
    };
    if decisions
        .iter()
        .any(|d| d.decided_at > last_signoff.signed_at)
    {
        return Err(BundleError::NotSignedOff {
            reference,
            why: "has decisions made after its last sign-off".into(),
        });
    }
    let approver = last_signoff.approver.clone();
    let letter_date = jiff::Timestamp::from_millisecond(last_signoff.signed_at)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or(request.received_on);
    let deadline = deadline::deadline(
        &request.clock(letter_date),
        &HolidayCalendar::england_and_wales(),
    )
    .map_err(|e| BundleError::Deadline {
        reference: reference.clone(),
        detail: e.to_string(),
    })?;
    let subject_id = request.subject.to_string();
    let people = db.people().await?;
    let subject = people.iter().find(|p| p.id.as_str() == subject_id);
    let subject_name = subject.map(|p| p.name.clone()).unwrap_or_default();
    let search_log: Option<SearchLog> = db
        .search_log(&reference)
        .await?
        .and_then(|v| serde_json::from_value(v["log"].clone()).ok());

    let material::Material {
        items,
        mut schedule,
    } = material::load(db, blobs, &reference, &reviewed, &decisions, &subject_id).await?;
    let care_leaver = is_care_leaver(
        request.care_leaver,
        subject.and_then(|p| p.dob.as_deref()),
        request.received_on,
        &items,
    );
    let colour = options.box_colour.unwrap_or(if care_leaver {
        options.config.boxes.care_leaver
    } else {
        options.config.boxes.other
    });
    let (fill, box_grey) = match colour {
        BoxColour::PaleGrey => (Fill::PaleGrey, 217u8),
        BoxColour::Black => (Fill::Black, 0u8),
    };
    let box_style = BoxStyle {
        fill,
        label_codes: true,
    };

    // True redaction of the PDFs, in parallel; a document that cannot be redacted safely is
    // withheld and scheduled, never shown.
    let redacted: Vec<Option<RedactedDocument>> = items
        .par_iter()
        .map(|item| match &item.content {
            Content::Pdf { bytes, pages } => {
                Some(material::redact_pdf(bytes, pages, box_style, redactor))
            }
            Content::Text(_) => None,
        })
        .collect();
    let mut kept = Vec::new();
    let mut disclosure_docs = Vec::new();
    let mut review_docs = Vec::new();
    let mut doc_of: HashMap<usize, (usize, usize)> = HashMap::new();
    for (mut item, red) in items.into_iter().zip(redacted) {
        let fully = item.parts().filter(|p| p.part != "title").count() > 0
            && item
                .parts()
                .filter(|p| p.part != "title")
                .all(|p| p.fully_redacted() || p.text.trim().is_empty())
            && item.parts().any(|p| p.fully_redacted());
        if fully {
            schedule.push(Scheduled {
                record: item.record.clone(),
                outcome: ScheduleOutcome::Withheld,
                reason: format!(
                    "everything in it was withheld ({})",
                    codes_of(&item).join(", ")
                ),
            });
            continue;
        }
        match red {
            Some(RedactedDocument::Done(r)) => {
                let mut boxes: Vec<Vec<([f64; 4], String)>> =
                    vec![Vec::new(); r.report.pages as usize];
                for b in &r.report.boxes {
                    if let Some(page) = boxes.get_mut((b.page as usize).saturating_sub(1)) {
                        page.push(([b.rect.x0, b.rect.y0, b.rect.x1, b.rect.y1], b.code.clone()));
                    }
                }
                // The original moves to the review copy; the item keeps only its pages' text.
                let original = match &mut item.content {
                    Content::Pdf { bytes, .. } => std::mem::take(bytes),
                    Content::Text(_) => Vec::new(),
                };
                let redacted = DocumentSource {
                    bytes: std::sync::Arc::new(r.pdf),
                    boxes: Vec::new(),
                };
                let original = DocumentSource {
                    bytes: std::sync::Arc::new(original),
                    boxes,
                };
                // Both must open here (and tell the page count); they are opened again, a few
                // at a time, when their volumes are rendered.
                match (redacted.open(), original.open()) {
                    (Ok(d), Ok(_)) => {
                        let pages = d.frames.len();
                        doc_of.insert(kept.len(), (disclosure_docs.len(), pages));
                        disclosure_docs.push(redacted);
                        review_docs.push(original);
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        schedule.push(Scheduled {
                            record: item.record.clone(),
                            outcome: ScheduleOutcome::Withheld,
                            reason: format!(
                                "the redacted document could not be placed in the bundle ({e}); a person must review it"
                            ),
                        });
                        continue;
                    }
                }
            }
            Some(RedactedDocument::Withheld(reason)) => {
                schedule.push(Scheduled {
                    record: item.record.clone(),
                    outcome: ScheduleOutcome::NeedsReview,
                    reason,
                });
                continue;
            }
            None => {}
        }
        kept.push(item);
    }
    schedule.sort_by(|a, b| {
        (a.outcome, &a.record.record_date, &a.record.id).cmp(&(
            b.outcome,
            &b.record.record_date,
            &b.record.id,
        ))
    });
    let items = kept;
    let codes = material::codes_used(&items);

    let salutation = match request.requester.relationship {
        RequesterRelationship::Subject if !subject_name.is_empty() => subject_name.clone(),
        _ => "Sir or Madam".to_string(),
    };
    let cx = compose::Context {
        reference: &reference,
        config: &options.config,
        request: &request,
        deadline: &deadline,
        care_leaver,
        subject_name: &subject_name,
        salutation,
        letter_date,
        search_log: search_log.as_ref(),
    };
    let composition = compose::compose(&cx, &items, &schedule, &doc_of, &codes);
    let total = composition.pages.len();

    // Volumes of at most `volume_pages` pages, numbered through.
    let per = options.volume_pages.max(1);
    let volume_count = total.div_ceil(per).max(1);
    let name = |kind: &str, v: usize| {
        if volume_count == 1 {
            format!("{reference}-{kind}.pdf")
        } else {
            format!("{reference}-{kind}-vol{}.pdf", v + 1)
        }
    };
    let volumes: Vec<Volume<'_>> = (0..volume_count)
        .map(|v| {
            let start = v * per;
            let end = ((v + 1) * per).min(total);
            Volume {
                pages: &composition.pages[start..end],
                first_page: start + 1,
                total_pages: total,
                reference: &reference,
                title: if volume_count == 1 {
                    format!("Disclosure {reference}")
                } else {
                    format!("Disclosure {reference}, volume {} of {volume_count}", v + 1)
                },
                bookmarks: composition
                    .bookmarks
                    .iter()
                    .filter(|b| b.page >= start && b.page < end)
                    .map(|b| render::Bookmark {
                        title: b.title.clone(),
                        page: b.page - start,
                        y: b.y,
                    })
                    .collect(),
            }
        })
        .collect();
    // The leak gate's terms: every redacted string, and how often the bundle means to show it.
    let mut allowed = allowed_text(&composition.pages, &items, &doc_of);
    for n in 1..=total {
        allowed.push_str(&render::footer(&reference, n, total));
        allowed.push('\n');
    }
    let terms: Vec<String> = {
        let mut t: Vec<String> = items
            .iter()
            .flat_map(|i| i.parts())
            .flat_map(|p| {
                p.redactions
                    .iter()
                    .map(|r| p.text[r.start..r.end].to_string())
            })
            .filter(|s| s.chars().any(char::is_alphanumeric))
            .collect();
        t.sort();
        t.dedup();
        t
    };
    let mut gate = gate::Gate::new(&terms, &allowed, per);

    // Volumes are rendered a few at a time (both copies in parallel), read back by the gate and
    // written to a staging directory beside DIR; nothing reaches DIR unless the gate passes.
    let staging = Staging::new(&options.out_dir)?;
    let mut entries: Vec<FileEntry> = Vec::new();
    let mut disclosure_names = Vec::new();
    let mut review_names = Vec::new();
    let batch = rayon::current_num_threads().max(1);
    for (b, chunk) in volumes.chunks(batch).enumerate() {
        // Open just the documents these volumes show.
        let wanted: std::collections::BTreeSet<usize> = chunk
            .iter()
            .flat_map(|v| v.pages.iter())
            .flat_map(|p| p.ops.iter())
            .filter_map(|op| match op {
                Op::Document { doc, .. } => Some(*doc),
                _ => None,
            })
            .collect();
        let open = |sources: &[DocumentSource]| -> HashMap<usize, render::PlacedDocument> {
            wanted
                .iter()
                .filter_map(|&i| Some((i, sources.get(i)?.open().ok()?)))
                .collect()
        };
        let (disclosure_open, review_open) =
            rayon::join(|| open(&disclosure_docs), || open(&review_docs));
        let rendered: Vec<Result<Rendered, BundleError>> = chunk
            .par_iter()
            .map(|v| {
                let (d, r) = rayon::join(
                    || render::render(v, Copy::Disclosure { box_grey }, &disclosure_open),
                    || {
                        let review = Volume {
                            title: v.title.replace("Disclosure", "Review copy"),
                            bookmarks: v.bookmarks.clone(),
                            ..*v
                        };
                        render::render(&review, Copy::Review, &review_open)
                    },
                );
                Ok((d?, r?))
            })
            .collect();
        for (k, r) in rendered.into_iter().enumerate() {
            let v = b * batch + k;
            let (d, r) = r?;
            gate.scan(v, &d)?;
            for (kind, bytes, names) in [
                ("disclosure", d, &mut disclosure_names),
                ("review-copy", r, &mut review_names),
            ] {
                let file = name(kind, v);
                entries.push(staging.put(&file, &bytes)?);
                names.push(file);
            }
        }
    }
    gate.finish()?;

    // The redaction log and the manifest.
    let log_rows = log::rows(&reference, &items, &approver);
    entries.push(staging.put(
        &format!("{reference}-redaction-log.csv"),
        &log::csv(&log_rows),
    )?);
    entries.push(staging.put(
        &format!("{reference}-redaction-log.json"),
        &serde_json::to_vec_pretty(&log_rows).unwrap_or_default(),
    )?);
    let mut summary = BundleSummary {
        reference: reference.clone(),
        out_dir: options.out_dir.display().to_string(),
        disclosure: disclosure_names,
        review_copy: review_names,
        pages: total,
        volumes: volume_count,
        records_included: items.len(),
        records_in_schedule: schedule.len(),
        redactions: codes.values().sum(),
        redactions_by_code: codes,
        due: deadline.due.to_string(),
        care_leaver,
        box_colour: match colour {
            BoxColour::PaleGrey => "pale-grey".into(),
            BoxColour::Black => "black".into(),
        },
        chronology_events: composition.chronology_events,
        glossary_terms: composition.glossary_terms,
        files: entries,
    };
    let manifest = serde_json::json!({
        "schema": "sar-bundle-manifest/1",
        "reference": reference,
        "approver": approver,
        "pages": summary.pages,
        "volumes": summary.volumes,
        "records_included": summary.records_included,
        "records_in_schedule": summary.records_in_schedule,
        "records": composition.placements.iter().map(|p| serde_json::json!({
            "record_id": p.record_id, "first_page": p.first_page + 1, "last_page": p.last_page + 1,
        })).collect::<Vec<_>>(),
        "schedule": schedule.iter().map(|s| serde_json::json!({
            "record_id": s.record.id, "outcome": format!("{:?}", s.outcome), "reason": s.reason,
        })).collect::<Vec<_>>(),
        "files": summary.files,
    });
    let manifest_entry = staging.put(
        "manifest.json",
        &serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
    )?;
    staging.publish()?;
    summary.files.push(manifest_entry);
    Ok(summary)
}

fn codes_of(item: &material::Item) -> Vec<String> {
    let mut c: Vec<String> = item
        .parts()
        .flat_map(|p| p.redactions.iter().map(|r| r.code.clone()))
        .collect();
    c.sort();
    c.dedup();
    c
}

/// What the bundle means to show: every text it drew, and each placed document's text with its
/// redactions cut out. A redacted string may occur in it (a name a reviewer kept in one place and
/// withheld in another); the gate allows exactly that many occurrences and no more.
fn allowed_text(
    pages: &[LaidPage],
    items: &[material::Item],
    docs: &HashMap<usize, (usize, usize)>,
) -> String {
    let mut out = String::new();
    for page in pages {
        for op in &page.ops {
            if let Op::Text { text, .. } = op {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    for (i, item) in items.iter().enumerate() {
        if docs.contains_key(&i)
            && let Content::Pdf { pages, .. } = &item.content
        {
            for p in pages {
                out.push_str(&p.visible_text());
                out.push('\n');
            }
        }
    }
    out
}

/// Files written aside (a hidden directory beside the output directory, on the same disk) and
/// renamed into place only when the whole bundle is complete and has passed the leak gate.
/// Dropped without `publish` (an error, a leak), it removes what it wrote.
struct Staging {
    dir: PathBuf,
    out: PathBuf,
    names: Vec<String>,
    published: bool,
}

impl Staging {
    fn io(path: &Path, source: std::io::Error) -> BundleError {
        BundleError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    fn new(out: &Path) -> Result<Staging, BundleError> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bundle".into());
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Self::io(&parent, e))?;
        let dir = parent.join(format!(".{name}.partial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| Self::io(&dir, e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            names: Vec::new(),
            published: false,
        })
    }

    fn put(&self, name: &str, bytes: &[u8]) -> Result<FileEntry, BundleError> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| Self::io(&path, e))?;
        Ok(FileEntry {
            name: name.to_string(),
            sha256: crate::blobs::sha256_hex(bytes),
            bytes: bytes.len() as u64,
        })
    }

    fn publish(mut self) -> Result<(), BundleError> {
        std::fs::create_dir_all(&self.out).map_err(|e| Self::io(&self.out, e))?;
        let entries = std::fs::read_dir(&self.dir).map_err(|e| Self::io(&self.dir, e))?;
        for e in entries.flatten() {
            self.names
                .push(e.file_name().to_string_lossy().into_owned());
        }
        self.names.sort();
        for name in &self.names {
            let to = self.out.join(name);
            std::fs::rename(self.dir.join(name), &to).map_err(|e| Self::io(&to, e))?;
        }
        self.published = true;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
