//! `sar generate`: a seeded, deterministic synthetic records export (`sar-records-export/1`)
//! for the demo, tests and benchmarks.
//!
//! The output is a directory holding `export.json`, `documents/...` (multi-page PDFs, TXT notes,
//! EML emails, and three deliberately broken files) and `generator.json`, the ground truth
//! (ignored by readers): the subject, why each record does or does not belong to the subject,
//! copies, markers and the third-party strings planted in each record.
//!
//! Same options, same bytes: the only randomness is a self-written SplitMix64 seeded from
//! `--seed`, documents are rendered from per-document streams (so rendering in parallel changes
//! nothing), and `exported_at` comes from the seed, never from the clock.
//!
//! Layout: [`rng`] the PRNG, [`words`] built-in word lists, [`identifiers`] NHS/NI/UPN/phone
//! shapes, [`people`] the cast, [`text`] record wording, [`timeline`] record planning,
//! [`documents`] file rendering.

pub mod documents;
pub mod identifiers;
pub mod people;
pub mod rng;
pub mod text;
pub mod timeline;
pub mod words;

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::export::FORMAT;
use people::{Cast, Role};
use rng::Rng;
use timeline::{Holding, Planned};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Listed people, workers included (at least [`people::MIN_PEOPLE`]).
    pub people: usize,
    /// Records in total, the three broken ones and the copies included.
    pub records: usize,
    /// PDF documents (each a record held as a file).
    pub documents: usize,
    pub pages_per_document: usize,
    pub seed: u64,
    /// The subject is a care leaver (in care from childhood, pathway plans from 16); otherwise a
    /// child still known to the service.
    pub care_leaver: bool,
    /// Also pack the export into `<out>.zip`.
    pub zip: bool,
    /// The directory to write; must be new or empty.
    pub out: PathBuf,
}

impl GenerateOptions {
    /// The defaults of `sar generate`, writing to `out`.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        GenerateOptions {
            people: 40,
            records: 600,
            documents: 30,
            pages_per_document: DEFAULT_PAGES_PER_DOCUMENT,
            seed: 1,
            care_leaver: false,
            zip: false,
            out: out.into(),
        }
    }
}

pub const DEFAULT_PAGES_PER_DOCUMENT: usize = 20;

/// Records needed besides the PDFs: the broken ones and enough notes to tell a story.
const MIN_TEXT_RECORDS: usize = 20;

/// What was written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateSummary {
    pub out: PathBuf,
    pub zip: Option<PathBuf>,
    pub subject_id: String,
    pub people: usize,
    pub records: usize,
    /// Files written under `documents/` (PDF, TXT, EML, the corrupt and unsupported ones).
    pub documents: usize,
    pub pdfs: usize,
    pub pages: usize,
    /// Bytes written in the directory (export.json, generator.json and documents).
    pub bytes: u64,
}

/// Progress reported while writing, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Planning is done: this many files are about to be written.
    Planned { files: usize },
    /// One more file is written.
    FileWritten,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(
        "--people {given} is too few: a family, its circle and the workers need at least {min}"
    )]
    TooFewPeople { given: usize, min: usize },
    #[error(
        "--records {given} is too few for --documents {documents}: give at least {min} records"
    )]
    TooFewRecords {
        given: usize,
        documents: usize,
        min: usize,
    },
    #[error("--pages-per-document must be at least 1")]
    NoPages,
    #[error("{path}: output directory is not empty; choose a new or empty directory")]
    OutputNotEmpty { path: PathBuf },
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot build the PDF for record {record}: {reason}")]
    Pdf {
        path: PathBuf,
        record: String,
        reason: String,
    },
    #[error("{path}: cannot write the zip: {reason}")]
    Zip { path: PathBuf, reason: String },
}

/// The ground truth beside the export (`generator.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroundTruth {
    pub format: String,
    pub seed: u64,
    pub subject: SubjectTruth,
    /// Names records mention of people the export does not list.
    pub unlisted_people: Vec<String>,
    pub records: Vec<RecordTruth>,
}

pub const TRUTH_FORMAT: &str = "sar-generate-truth/1";
pub const TRUTH_FILE: &str = "generator.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubjectTruth {
    pub id: String,
    /// `care_leaver` or `child`.
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordTruth {
    pub id: String,
    pub file_of: String,
    /// The record belongs in the subject's bundle.
    pub gather: bool,
    /// `own_file`, `linked`, `mentioned_by_name`, `family_member_not_about_subject`, `unrelated`.
    pub reason: String,
    /// This record is an exact copy of that one, filed on another person's file.
    pub duplicate_of: Option<String>,
    /// `text`, `pdf`, `txt`, `eml`, `missing_file`, `corrupt_pdf`, `unsupported_type`.
    pub holding: String,
    pub file: Option<String>,
    pub pages: Option<usize>,
    /// `processed` or `not_processed`.
    pub expected_outcome: String,
    pub not_processed_reason: Option<String>,
    /// A phrase that occurs in this record (and its copies) and nowhere else.
    pub marker: String,
    /// Third-party strings planted in the body (names, addresses, phones, numbers, schools).
    pub third_party: Vec<String>,
}

impl GroundTruth {
    /// Reads `generator.json` from a generated export directory.
    pub fn read(dir: &Path) -> Result<GroundTruth, GenerateError> {
        let path = dir.join(TRUTH_FILE);
        let bytes = fs::read(&path).map_err(|source| GenerateError::Io {
            path: path.clone(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|e| GenerateError::Io {
            path,
            source: std::io::Error::other(e),
        })
    }
}

/// Generates an export into `options.out`.
pub fn generate(options: &GenerateOptions) -> Result<GenerateSummary, GenerateError> {
    generate_with_progress(options, &|_| {})
}

/// [`generate`], reporting progress (called from several threads).
pub fn generate_with_progress(
    options: &GenerateOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<GenerateSummary, GenerateError> {
    check(options)?;
    let root = Rng::new(options.seed);
    let mut rng = root.fork(1);
    let export_date = export_date(options.seed);
    let cast = people::cast(&mut rng, options.people, export_date, options.care_leaver);
    let frame = timeline::Frame {
        records: options.records,
        pdfs: options.documents,
        export_date,
        care_leaver: options.care_leaver,
    };
    let mut planned = timeline::plan(&mut rng, &cast, &frame);

    let out = &options.out;
    let file_indices: Vec<usize> = (0..planned.len())
        .filter(|&i| planned[i].path.is_some() && planned[i].holding != Holding::MissingFile)
        .collect();
    progress(Progress::Planned {
        files: file_indices.len(),
    });
    for i in &file_indices {
        if let Some(parent) = planned[*i]
            .path
            .as_deref()
            .map(|p| out.join(p))
            .and_then(|p| p.parent().map(Path::to_path_buf))
        {
            fs::create_dir_all(&parent).map_err(|source| GenerateError::Io {
                path: parent.clone(),
                source,
            })?;
        }
    }
    let doc_root = root.fork(2);
    let rendered: Vec<(
        usize,
        Option<usize>,
        std::collections::BTreeSet<String>,
        u64,
    )> = file_indices
        .par_iter()
        .map(|&i| {
            let plan = &planned[i];
            let mut doc_rng = doc_root.fork(i as u64);
            let rel = plan.path.as_deref().unwrap_or_default();
            let path = out.join(rel);
            let rendered = match plan.holding {
                Holding::Pdf => documents::pdf(plan, &cast, options.pages_per_document, doc_rng)
                    .map_err(|e| GenerateError::Pdf {
                        path: path.clone(),
                        record: plan.id.clone(),
                        reason: e.to_string(),
                    })?,
                Holding::Txt => documents::txt(plan, &cast),
                Holding::Eml => documents::eml(plan, &cast, &plan.slots, &mut doc_rng),
                Holding::CorruptPdf => documents::Rendered {
                    bytes: documents::corrupt_pdf(&mut doc_rng),
                    planted: Default::default(),
                    pages: None,
                },
                Holding::UnsupportedType => documents::Rendered {
                    bytes: documents::unsupported_file(plan),
                    planted: Default::default(),
                    pages: None,
                },
                Holding::Text | Holding::MissingFile => documents::Rendered {
                    bytes: Vec::new(),
                    planted: Default::default(),
                    pages: None,
                },
            };
            fs::write(&path, &rendered.bytes).map_err(|source| GenerateError::Io {
                path: path.clone(),
                source,
            })?;
            progress(Progress::FileWritten);
            Ok((
                i,
                rendered.pages,
                rendered.planted,
                rendered.bytes.len() as u64,
            ))
        })
        .collect::<Result<_, GenerateError>>()?;

    let mut pages_of = vec![None; planned.len()];
    let mut document_bytes = 0;
    for (i, pages, planted, bytes) in rendered {
        pages_of[i] = pages;
        planned[i].planted = planted;
        document_bytes += bytes;
    }
    for p in &mut planned {
        if matches!(
            p.holding,
            Holding::MissingFile | Holding::CorruptPdf | Holding::UnsupportedType
        ) {
            p.planted.clear();
        }
    }

    let manifest = manifest_json(&cast, &planned, options.seed, export_date);
    let manifest_path = out.join("export.json");
    write_json(&manifest_path, &manifest)?;
    let truth = ground_truth(&cast, &planned, &pages_of, options);
    let truth_path = out.join(TRUTH_FILE);
    write_json(&truth_path, &truth)?;
    let bytes = document_bytes + file_len(&manifest_path) + file_len(&truth_path);

    let zip = if options.zip {
        Some(write_zip(out, &planned)?)
    } else {
        None
    };
    Ok(GenerateSummary {
        out: out.clone(),
        zip,
        subject_id: cast.people[cast.subject].id.clone(),
        people: cast.people.iter().filter(|p| p.listed()).count(),
        records: planned.len(),
        documents: file_indices.len(),
        pdfs: planned.iter().filter(|p| p.holding == Holding::Pdf).count(),
        pages: pages_of.iter().flatten().sum(),
        bytes,
    })
}

fn check(options: &GenerateOptions) -> Result<(), GenerateError> {
    if options.people < people::MIN_PEOPLE {
        return Err(GenerateError::TooFewPeople {
            given: options.people,
            min: people::MIN_PEOPLE,
        });
    }
    let min = options.documents + timeline::BROKEN_RECORDS + MIN_TEXT_RECORDS;
    if options.records < min {
        return Err(GenerateError::TooFewRecords {
            given: options.records,
            documents: options.documents,
            min,
        });
    }
    if options.pages_per_document == 0 {
        return Err(GenerateError::NoPages);
    }
    let out = &options.out;
    match fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(GenerateError::OutputNotEmpty { path: out.clone() });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(out).map_err(|source| GenerateError::Io {
                path: out.clone(),
                source,
            })?;
        }
        Err(source) => {
            return Err(GenerateError::Io {
                path: out.clone(),
                source,
            });
        }
    }
    Ok(())
}

/// The export's date: in 2026, picked by the seed (never the clock).
fn export_date(seed: u64) -> Date {
    let mut rng = Rng::new(seed).fork(0);
    Date::new(2026, rng.between(1, 11) as i8, rng.between(1, 28) as i8).unwrap_or_default()
}

const SOURCE_SYSTEMS: &[&str] = &["Liquidlogic LCS", "Mosaic", "CareDirector", "Eclipse"];

#[derive(Serialize)]
struct ManifestOut<'a> {
    format: &'a str,
    source_system: &'a str,
    exported_at: String,
    people: Vec<PersonOut<'a>>,
    relationships: Vec<RelationshipOut<'a>>,
    records: Vec<RecordOut<'a>>,
}

#[derive(Serialize)]
struct PersonOut<'a> {
    id: &'a str,
    name: String,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    dob: Option<String>,
    gender: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organisation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nhs_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ni_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upn: Option<&'a str>,
}

#[derive(Serialize)]
struct RelationshipOut<'a> {
    from: &'a str,
    to: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    id: &'a str,
    kind: &'a str,
    file_of: &'a str,
    date: String,
    author: &'a str,
    title: &'a str,
    people: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
}

fn manifest_json<'a>(
    cast: &'a Cast,
    planned: &'a [Planned],
    seed: u64,
    export_date: Date,
) -> ManifestOut<'a> {
    let people = cast
        .people
        .iter()
        .filter(|p| p.listed())
        .map(|p| PersonOut {
            id: &p.id,
            name: p.name(),
            aliases: &p.aliases,
            dob: p.dob.map(|d| d.to_string()),
            gender: p.gender,
            kind: if p.is_worker() { "worker" } else { "citizen" },
            job_title: p.job_title,
            organisation: p.organisation.as_deref(),
            team: p.team,
            address: p.address.as_deref(),
            phone: p.phone.as_deref(),
            email: p.email.as_deref(),
            nhs_number: p.nhs_number.as_deref(),
            ni_number: p.ni_number.as_deref(),
            upn: p.upn.as_deref(),
        })
        .collect();
    let relationships = cast
        .relationships
        .iter()
        .map(|&(from, to, kind)| RelationshipOut {
            from: &cast.people[from].id,
            to: &cast.people[to].id,
            kind,
        })
        .collect();
    let records = planned
        .iter()
        .map(|p| {
            let date = if p.timed {
                p.date.strftime("%Y-%m-%dT%H:%M").to_string()
            } else {
                p.date.date().to_string()
            };
            RecordOut {
                id: &p.id,
                kind: p.kind,
                file_of: &cast.people[p.file_of].id,
                date,
                author: &cast.people[p.author].id,
                title: &p.title,
                people: p
                    .people
                    .iter()
                    .map(|&i| cast.people[i].id.as_str())
                    .collect(),
                text: (p.holding == Holding::Text).then_some(p.text.as_str()),
                file: p.path.as_deref(),
            }
        })
        .collect();
    ManifestOut {
        format: FORMAT,
        source_system: SOURCE_SYSTEMS[(seed % SOURCE_SYSTEMS.len() as u64) as usize],
        exported_at: format!("{export_date}T18:00:00Z"),
        people,
        relationships,
        records,
    }
}

fn ground_truth(
    cast: &Cast,
    planned: &[Planned],
    pages_of: &[Option<usize>],
    options: &GenerateOptions,
) -> GroundTruth {
    let records = planned
        .iter()
        .zip(pages_of)
        .map(|(p, pages)| {
            let not_processed_reason = match p.holding {
                Holding::MissingFile => Some("file missing"),
                Holding::CorruptPdf => Some("corrupt PDF"),
                Holding::UnsupportedType => Some("unsupported type"),
                _ => None,
            };
            RecordTruth {
                id: p.id.clone(),
                file_of: cast.people[p.file_of].id.clone(),
                gather: p.reason.gathered(),
                reason: serde_plain(&p.reason),
                duplicate_of: p.duplicate_of.clone(),
                holding: serde_plain(&p.holding),
                file: p.path.clone(),
                pages: *pages,
                expected_outcome: if not_processed_reason.is_some() {
                    "not_processed"
                } else {
                    "processed"
                }
                .to_string(),
                not_processed_reason: not_processed_reason.map(String::from),
                marker: p.marker.clone(),
                third_party: p.planted.iter().cloned().collect(),
            }
        })
        .collect();
    let subject = &cast.people[cast.subject];
    debug_assert_eq!(subject.role, Role::Subject);
    GroundTruth {
        format: TRUTH_FORMAT.to_string(),
        seed: options.seed,
        subject: SubjectTruth {
            id: subject.id.clone(),
            kind: if options.care_leaver {
                "care_leaver"
            } else {
                "child"
            }
            .to_string(),
        },
        unlisted_people: cast
            .unlisted
            .iter()
            .map(|&i| cast.people[i].name())
            .collect(),
        records,
    }
}

/// A unit enum variant as its serde name (`OwnFile` -> `own_file`).
fn serde_plain<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), GenerateError> {
    let io = |source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::File::create(path).map_err(io)?;
    let mut writer = BufWriter::new(file);
    serde_json::to_writer_pretty(&mut writer, value).map_err(|e| io(std::io::Error::other(e)))?;
    writer.write_all(b"\n").map_err(io)?;
    writer.flush().map_err(io)
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Packs the directory into `<out>.zip` in a fixed order with fixed timestamps.
fn write_zip(out: &Path, planned: &[Planned]) -> Result<PathBuf, GenerateError> {
    let zip_path = PathBuf::from(format!("{}.zip", out.display()));
    let zip_err = |reason: String| GenerateError::Zip {
        path: zip_path.clone(),
        reason,
    };
    let file = fs::File::create(&zip_path).map_err(|source| GenerateError::Io {
        path: zip_path.clone(),
        source,
    })?;
    let mut writer = zip::ZipWriter::new(BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut names = vec!["export.json".to_string(), TRUTH_FILE.to_string()];
    names.extend(
        planned
            .iter()
            .filter(|p| p.holding != Holding::MissingFile)
            .filter_map(|p| p.path.clone()),
    );
    for name in names {
        let bytes = fs::read(out.join(&name)).map_err(|source| GenerateError::Io {
            path: out.join(&name),
            source,
        })?;
        writer
            .start_file(name.as_str(), options)
            .map_err(|e| zip_err(e.to_string()))?;
        writer
            .write_all(&bytes)
            .map_err(|e| zip_err(e.to_string()))?;
    }
    writer.finish().map_err(|e| zip_err(e.to_string()))?;
    Ok(zip_path)
}
