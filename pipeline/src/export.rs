//! Reading a records export (`sar-records-export/1`): a directory holding `export.json` and the
//! documents its records point at, or a `.zip` of the same directory.
//!
//! Reading is tolerant where the format allows it and strict where safety needs it:
//! - an export that cannot be read at all (no `export.json`, unparseable JSON, an unknown format
//!   version) is an [`ExportError`];
//! - a bad person, relationship or record (a missing field, a duplicate id, an unknown person id)
//!   is a [`Problem`] naming it; everything else still reads;
//! - a record's file is read only through [`Export::read_file`], which refuses paths that escape
//!   the export, files over the size limit and zip entries that inflate past it (zip bombs).
//!
//! Unknown fields are kept (`extra`), never an error.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{PersonId, RecordId};

/// The one format version this reader understands.
pub const FORMAT: &str = "sar-records-export/1";

/// Default cap on one document's size (bytes). Case files hold large scans, but a document
/// above this is far more likely a mistake or an attack than a record.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Cap on `export.json` itself.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024 * 1024;

/// Whether a person is a citizen or a professional, as the export says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    /// A child, parent, carer, relative, friend: anyone the service works with or hears about.
    Citizen,
    /// Someone acting in a professional capacity.
    Worker,
}

impl PersonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Citizen => "citizen",
            PersonKind::Worker => "worker",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "citizen" => Some(PersonKind::Citizen),
            "worker" | "professional" => Some(PersonKind::Worker),
            _ => None,
        }
    }
}

/// A person the export lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub dob: Option<String>,
    pub gender: Option<String>,
    pub kind: PersonKind,
    pub job_title: Option<String>,
    pub organisation: Option<String>,
    pub team: Option<String>,
    /// Identifiers held for the person. The format gives one value each; a list is accepted too.
    #[serde(default)]
    pub address: Vec<String>,
    #[serde(default)]
    pub phone: Vec<String>,
    #[serde(default)]
    pub email: Vec<String>,
    #[serde(default)]
    pub nhs_number: Vec<String>,
    #[serde(default)]
    pub ni_number: Vec<String>,
    #[serde(default)]
    pub upn: Vec<String>,
    /// Fields this reader does not know, kept as they were.
    #[serde(default)]
    pub extra: Map<String, Value>,
}

impl Person {
    /// A citizen known only by id and name (tests, small exports built in code).
    pub fn citizen(id: &str, name: &str) -> Person {
        Person {
            id: PersonId::new(id),
            name: name.to_string(),
            aliases: Vec::new(),
            dob: None,
            gender: None,
            kind: PersonKind::Citizen,
            job_title: None,
            organisation: None,
            team: None,
            address: Vec::new(),
            phone: Vec::new(),
            email: Vec::new(),
            nhs_number: Vec::new(),
            ni_number: Vec::new(),
            upn: Vec::new(),
            extra: Map::new(),
        }
    }
}

/// A directed edge `from -> to` with the source system's free-text type (`mother`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub from: PersonId,
    pub to: PersonId,
    pub kind: String,
}

/// Where a record's body is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Body {
    Text(String),
    /// A path relative to the export root, as written in the export.
    File(String),
}

/// A record the export holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: RecordId,
    pub kind: String,
    pub file_of: PersonId,
    /// ISO date or date-time, as written.
    pub date: String,
    pub author: Option<PersonId>,
    pub title: Option<String>,
    pub people: Vec<PersonId>,
    pub body: Body,
    #[serde(default)]
    pub extra: Map<String, Value>,
}

impl Record {
    /// The record's text, for records held as text.
    pub fn text(&self) -> Option<&str> {
        match &self.body {
            Body::Text(t) => Some(t),
            Body::File(_) => None,
        }
    }

    /// The record's file path, for records held as files.
    pub fn file(&self) -> Option<&str> {
        match &self.body {
            Body::File(f) => Some(f),
            Body::Text(_) => None,
        }
    }

    /// The calendar date part (`YYYY-MM-DD`) of `date`.
    pub fn day(&self) -> &str {
        self.date.get(..10).unwrap_or(&self.date)
    }
}

/// What a problem is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ProblemSubject {
    Export,
    Person(String),
    Relationship(usize),
    Record(String),
    File(String),
}

impl fmt::Display for ProblemSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemSubject::Export => f.write_str("export"),
            ProblemSubject::Person(id) => write!(f, "person {id}"),
            ProblemSubject::Relationship(i) => write!(f, "relationship #{}", i + 1),
            ProblemSubject::Record(id) => write!(f, "record {id}"),
            ProblemSubject::File(path) => write!(f, "file {path}"),
        }
    }
}

/// Something wrong with part of an export. The rest still imports; a record with a problem is
/// kept as "not processed" with this message so it reaches the bundle's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub subject: ProblemSubject,
    /// The record this problem stops from being processed, if any.
    pub record: Option<RecordId>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

/// An export that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: no such file or directory; give the export's directory or its .zip")]
    NotFound { path: PathBuf },
    #[error(
        "{path}: no export.json found; an export is a directory (or .zip) with export.json at its top"
    )]
    NoManifest { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a readable zip archive: {reason}")]
    Zip { path: PathBuf, reason: String },
    #[error("{path}: export.json is not valid JSON ({source}); fix the export and import again")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: export.json {reason}")]
    Shape { path: PathBuf, reason: String },
    #[error("{path}: unknown export format {found:?}; this version of sar reads \"{FORMAT}\" only")]
    UnknownFormat { path: PathBuf, found: String },
}

/// Why one document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("file {path} is missing from the export")]
    Missing { path: String },
    #[error("file path {path} escapes the export directory; refused")]
    EscapesExport { path: String },
    #[error("file {path} is {size} bytes, over the {limit}-byte limit for one document")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("file {path} cannot be read: {reason}")]
    Unreadable { path: String, reason: String },
}

enum Source {
    Dir(PathBuf),
    Zip {
        path: PathBuf,
        /// Folder inside the archive that holds `export.json` ("" or "name/").
        prefix: String,
        archive: Mutex<zip::ZipArchive<File>>,
    },
}

/// A records export, opened and parsed.
pub struct Export {
    source: Source,
    pub source_system: Option<String>,
    pub exported_at: Option<String>,
    pub people: Vec<Person>,
    pub relationships: Vec<Relationship>,
    pub records: Vec<Record>,
    /// Problems found while reading: each names what it is about.
    pub problems: Vec<Problem>,
    /// Bytes of `export.json`.
    pub manifest_bytes: u64,
    max_file_bytes: u64,
}

impl fmt::Debug for Export {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Export")
            .field("location", &self.location())
            .field("people", &self.people.len())
            .field("records", &self.records.len())
            .field("problems", &self.problems.len())
            .finish()
    }
}

impl Export {
    /// Opens an export directory or `.zip` and parses `export.json`.
    pub fn open(path: impl AsRef<Path>) -> Result<Export, ExportError> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ExportError::NotFound {
                path: path.to_path_buf(),
            },
            _ => ExportError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        let (source, manifest) = if meta.is_dir() {
            let root = path.canonicalize().map_err(|e| ExportError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
            let manifest_path = root.join("export.json");
            if !manifest_path.is_file() {
                return Err(ExportError::NoManifest {
                    path: path.to_path_buf(),
                });
            }
            let bytes =
                read_capped(&manifest_path, MAX_MANIFEST_BYTES).map_err(|e| ExportError::Io {
                    path: manifest_path.clone(),
                    source: e,
                })?;
            (Source::Dir(root), bytes)
        } else {
            open_zip(path)?
        };
        let manifest_bytes = manifest.len() as u64;
        // Checked as UTF-8 once, in bulk and vectorised, rather than string by string as
        // `from_slice` does (a visible share of reading a large export, before any other
        // work can start). A manifest that is not UTF-8 goes through `from_slice`, which
        // reports where.
        let parsed = match simdutf8::basic::from_utf8(&manifest) {
            Ok(text) => serde_json::from_str::<raw::Top>(text),
            Err(_) => serde_json::from_slice::<raw::Top>(&manifest),
        };
        let top = parsed.map_err(|e| ExportError::Json {
            path: path.to_path_buf(),
            source: e,
        })?;
        drop(manifest);
        let mut export = parse_manifest(path, top)?;
        export.source = source;
        export.manifest_bytes = manifest_bytes;
        Ok(export)
    }

    /// Sets the cap on one document's size.
    pub fn with_max_file_bytes(mut self, limit: u64) -> Self {
        self.max_file_bytes = limit;
        self
    }

    /// Where the export was read from.
    pub fn location(&self) -> &Path {
        match &self.source {
            Source::Dir(p) => p,
            Source::Zip { path, .. } => path,
        }
    }

    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        self.people.iter().find(|p| &p.id == id)
    }

    /// Reads a record's file: refuses paths that escape the export and files over the limit.
    pub fn read_file(&self, relative: &str) -> Result<Vec<u8>, FileError> {
        let clean = clean_relative(relative).ok_or_else(|| FileError::EscapesExport {
            path: relative.to_string(),
        })?;
        match &self.source {
            Source::Dir(root) => {
                let full = root.join(&clean);
                let real = match full.canonicalize() {
                    Ok(real) => real,
                    Err(_) => {
                        return Err(FileError::Missing {
                            path: relative.to_string(),
                        });
                    }
                };
                // A symlink inside the export may still point outside it.
                if !real.starts_with(root) {
                    return Err(FileError::EscapesExport {
                        path: relative.to_string(),
                    });
                }
                if !real.is_file() {
                    return Err(FileError::Missing {
                        path: relative.to_string(),
                    });
                }
                let size = real.metadata().map(|m| m.len()).unwrap_or(0);
                if size > self.max_file_bytes {
                    return Err(FileError::TooLarge {
                        path: relative.to_string(),
                        size,
                        limit: self.max_file_bytes,
                    });
                }
                read_capped(&real, self.max_file_bytes).map_err(|e| FileError::Unreadable {
                    path: relative.to_string(),
                    reason: e.to_string(),
                })
            }
            Source::Zip {
                prefix, archive, ..
            } => {
                let name = format!("{prefix}{}", clean.to_string_lossy().replace('\\', "/"));
                let mut archive = archive
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let mut entry = match archive.by_name(&name) {
                    Ok(entry) => entry,
                    Err(zip::result::ZipError::FileNotFound) => {
                        return Err(FileError::Missing {
                            path: relative.to_string(),
                        });
                    }
                    Err(e) => {
                        return Err(FileError::Unreadable {
                            path: relative.to_string(),
                            reason: e.to_string(),
                        });
                    }
                };
                let declared = entry.size();
                if declared > self.max_file_bytes {
                    return Err(FileError::TooLarge {
                        path: relative.to_string(),
                        size: declared,
                        limit: self.max_file_bytes,
                    });
                }
                // The declared size can lie: never inflate more than the limit (zip bombs).
                let mut out = Vec::with_capacity(declared.min(64 * 1024 * 1024) as usize);
                let read = (&mut entry)
                    .take(self.max_file_bytes + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| FileError::Unreadable {
                        path: relative.to_string(),
                        reason: e.to_string(),
                    })?;
                if read as u64 > self.max_file_bytes {
                    return Err(FileError::TooLarge {
                        path: relative.to_string(),
                        size: read as u64,
                        limit: self.max_file_bytes,
                    });
                }
                Ok(out)
            }
        }
    }

    /// The records whose problems stop them from being processed, with the reasons.
    pub fn unprocessable(&self) -> HashMap<&RecordId, Vec<&str>> {
        let mut out: HashMap<&RecordId, Vec<&str>> = HashMap::new();
        for p in &self.problems {
            if let Some(r) = &p.record {
                out.entry(r).or_default().push(&p.message);
            }
        }
        out
    }
}

/// Normalises a record's relative path; `None` when it is absolute or climbs out of the root.
fn clean_relative(relative: &str) -> Option<PathBuf> {
    let relative = relative.replace('\\', "/");
    let mut out = PathBuf::new();
    for component in Path::new(&relative).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if out.as_os_str().is_empty() {
        None
    } else {
        Some(out)
    }
}

fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = File::open(path)?;
    // Sized from the file's length (a hint only: the cap below is what holds), so a large
    // `export.json` is read without growing and copying the buffer again and again.
    let hint = file.metadata().map_or(0, |m| m.len()).min(limit) as usize;
    let mut out = Vec::with_capacity(hint.saturating_add(1));
    file.take(limit + 1).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(out)
}

fn open_zip(path: &Path) -> Result<(Source, Vec<u8>), ExportError> {
    let file = File::open(path).map_err(|e| ExportError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| ExportError::Zip {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    // export.json at the top, or inside one top-level folder (how "compress folder" zips it).
    let mut best: Option<String> = None;
    for name in archive.file_names() {
        let Ok(name) = name else { continue };
        let at_top = name == "export.json"
            || (name.ends_with("/export.json") && name.matches('/').count() == 1);
        if at_top && best.as_ref().is_none_or(|b| name.len() < b.len()) {
            best = Some(name.to_string());
        }
    }
    let Some(manifest_name) = best else {
        return Err(ExportError::NoManifest {
            path: path.to_path_buf(),
        });
    };
    let prefix = manifest_name.trim_end_matches("export.json").to_string();
    let manifest = {
        let entry = archive
            .by_name(&manifest_name)
            .map_err(|e| ExportError::Zip {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        let mut out = Vec::new();
        entry
            .take(MAX_MANIFEST_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| ExportError::Zip {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        if out.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(ExportError::Zip {
                path: path.to_path_buf(),
                reason: "export.json inflates past 1 GiB (a zip bomb?)".into(),
            });
        }
        out
    };
    Ok((
        Source::Zip {
            path: path.to_path_buf(),
            prefix,
            archive: Mutex::new(archive),
        },
        manifest,
    ))
}

fn parse_manifest(path: &Path, top: raw::Top) -> Result<Export, ExportError> {
    let raw::Top::Object(mut top) = top else {
        return Err(ExportError::Shape {
            path: path.to_path_buf(),
            reason: "is not a JSON object".into(),
        });
    };
    match &top.format {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => {
            return Err(ExportError::UnknownFormat {
                path: path.to_path_buf(),
                found: f.clone(),
            });
        }
        other => {
            return Err(ExportError::UnknownFormat {
                path: path.to_path_buf(),
                found: other
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "(none)".into()),
            });
        }
    }
    let mut problems = Vec::new();
    fn take_array<T>(list: Option<raw::List<T>>, key: &str, problems: &mut Vec<Problem>) -> Vec<T> {
        match list {
            Some(raw::List::Items(items)) => items,
            None | Some(raw::List::Null) => Vec::new(),
            Some(raw::List::Other) => {
                problems.push(Problem {
                    subject: ProblemSubject::Export,
                    record: None,
                    message: format!("`{key}` is not a list; it was ignored"),
                });
                Vec::new()
            }
        }
    }
    let people_values = take_array(top.people.take(), "people", &mut problems);
    let relationship_values = take_array(top.relationships.take(), "relationships", &mut problems);
    let record_values = take_array(top.records.take(), "records", &mut problems);
    if record_values.is_empty() && people_values.is_empty() {
        return Err(ExportError::Shape {
            path: path.to_path_buf(),
            reason: "has no `people` and no `records`".into(),
        });
    }

    let mut people = Vec::with_capacity(people_values.len());
    let mut person_ids = HashSet::new();
    for (i, value) in people_values.into_iter().enumerate() {
        match parse_person(value) {
            Ok(person) => {
                if !person_ids.insert(person.id.clone()) {
                    problems.push(Problem {
                        subject: ProblemSubject::Person(person.id.to_string()),
                        record: None,
                        message: "duplicate person id; the first entry was kept".into(),
                    });
                    continue;
                }
                people.push(person);
            }
            Err((id, msg)) => problems.push(Problem {
                subject: ProblemSubject::Person(id.unwrap_or_else(|| format!("#{}", i + 1))),
                record: None,
                message: msg,
            }),
        }
    }

    let mut relationships = Vec::new();
    for (i, value) in relationship_values.into_iter().enumerate() {
        // A string field, trimmed (an entry that is not an object has none).
        let mut object = match value {
            raw::Entry::Object(object) => Some(object),
            raw::Entry::NotObject => None,
        };
        let mut get = |k: &str| match object.as_mut().and_then(|o| o.take(k)) {
            Some(Loose::Str(s)) => Some(trimmed(s)),
            _ => None,
        };
        let (from, to, kind) = (get("from"), get("to"), get("type"));
        match (from, to, kind) {
            (Some(from), Some(to), kind) => {
                let (from, to) = (PersonId::new(from), PersonId::new(to));
                let unknown: Vec<&PersonId> = [&from, &to]
                    .into_iter()
                    .filter(|p| !person_ids.contains(*p))
                    .collect();
                if !unknown.is_empty() {
                    problems.push(Problem {
                        subject: ProblemSubject::Relationship(i),
                        record: None,
                        message: format!(
                            "names unknown person id {}; the relationship was ignored",
                            unknown
                                .iter()
                                .map(|p| p.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                    continue;
                }
                relationships.push(Relationship {
                    from,
                    to,
                    kind: kind.unwrap_or_else(|| "related".into()),
                });
            }
            _ => problems.push(Problem {
                subject: ProblemSubject::Relationship(i),
                record: None,
                message: "needs `from` and `to` person ids; it was ignored".into(),
            }),
        }
    }

    let mut records = Vec::with_capacity(record_values.len());
    let mut record_ids = HashSet::new();
    for (i, value) in record_values.into_iter().enumerate() {
        match parse_record(value) {
            Ok(record) => {
                if !record_ids.insert(record.id.clone()) {
                    problems.push(Problem {
                        subject: ProblemSubject::Record(record.id.to_string()),
                        record: None,
                        message: "duplicate record id; the first entry was kept, this one ignored"
                            .into(),
                    });
                    continue;
                }
                let mut unknown = Vec::new();
                if !person_ids.contains(&record.file_of) {
                    unknown.push(format!("file_of {}", record.file_of));
                }
                if let Some(a) = &record.author
                    && !person_ids.contains(a)
                {
                    unknown.push(format!("author {a}"));
                }
                for p in &record.people {
                    if !person_ids.contains(p) {
                        unknown.push(format!("people {p}"));
                    }
                }
                if !unknown.is_empty() {
                    // The record is still about someone: keep it, say what is unknown.
                    problems.push(Problem {
                        subject: ProblemSubject::Record(record.id.to_string()),
                        record: None,
                        message: format!("names unknown person id(s): {}", unknown.join(", ")),
                    });
                }
                if let Body::File(f) = &record.body
                    && clean_relative(f).is_none()
                {
                    problems.push(Problem {
                        subject: ProblemSubject::Record(record.id.to_string()),
                        record: Some(record.id.clone()),
                        message: format!("file path {f} escapes the export directory; refused"),
                    });
                }
                records.push(record);
            }
            Err((id, msg)) => {
                let label = id.clone().unwrap_or_else(|| format!("#{}", i + 1));
                problems.push(Problem {
                    subject: ProblemSubject::Record(label),
                    record: id.map(RecordId::new),
                    message: msg,
                });
            }
        }
    }

    let str_field = |v: Option<Loose>| match v {
        Some(Loose::Str(s)) => Some(s),
        _ => None,
    };
    Ok(Export {
        source: Source::Dir(PathBuf::new()),
        source_system: str_field(top.source_system),
        exported_at: str_field(top.exported_at),
        people,
        relationships,
        records,
        problems,
        manifest_bytes: 0,
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
    })
}

/// `export.json` as written, before any checking: each list and field as the JSON gave it.
///
/// Read in one pass straight from the bytes, rather than into a `serde_json::Value` tree and
/// then copied out of it (which was most of the time `sar detect` spent before detecting),
/// with every tolerance of the `Value` reading kept: a list that is not a list, an entry that
/// is not an object, a field of the wrong type and unknown fields read exactly as they did
/// (the last of duplicate keys wins, unknown fields keep their whole value, and whatever is
/// skipped is still read as a `Value`, so JSON errors and nesting limits are serde_json's own).
mod raw {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{
        self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
    };
    use serde_json::{Map, Number, Value};

    /// A field's value, as much of it as the reader looks at.
    #[derive(Debug)]
    pub(super) enum Loose {
        Str(String),
        Num(Number),
        /// A list of strings and numbers (any other item is `Other`).
        List(Vec<Loose>),
        /// `null`, a boolean, an object (or, inside a list, a list).
        Other,
    }

    fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(())
    }

    fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<String, Value>()?.is_some() {}
        Ok(())
    }

    /// `visit_*` for the JSON scalars but `null` that a visitor takes as `$value`.
    macro_rules! scalars_are {
        ($out:ty, $value:expr) => {
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<$out, E> {
                Ok($value)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<$out, E> {
                Ok($value)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<$out, E> {
                Ok($value)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<$out, E> {
                Ok($value)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<$out, E> {
                Ok($value)
            }
        };
    }

    /// A string, a number or anything else; `nested` says whether a list is read (a field's
    /// value) or skipped (an item of a list).
    struct LooseSeed {
        nested: bool,
    }

    impl<'de> DeserializeSeed<'de> for LooseSeed {
        type Value = Loose;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for LooseSeed {
        type Value = Loose;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
            Ok(Loose::Other)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Loose, E> {
            Ok(Loose::Other)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
            Ok(Loose::Num(Number::from(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
            Ok(Loose::Num(Number::from(v)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
            // As `Value` reads it (JSON has no NaN or infinity, so this is always a number).
            Ok(Number::from_f64(v).map_or(Loose::Other, Loose::Num))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
            Ok(Loose::Str(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
            Ok(Loose::Str(v))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
            if self.nested {
                return drain_seq(seq).map(|()| Loose::Other);
            }
            let mut items = Vec::new();
            while let Some(item) = seq.next_element_seed(LooseSeed { nested: true })? {
                items.push(item);
            }
            Ok(Loose::List(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Loose, A::Error> {
            drain_map(map).map(|()| Loose::Other)
        }
    }

    /// The field names one kind of entry knows; their order indexes [`Object::fields`].
    pub(super) trait Known {
        const NAMES: &'static [&'static str];
    }

    /// An object entry's known fields (by [`Known::NAMES`] index) and its other fields.
    pub(super) struct Object<K> {
        pub fields: Vec<Option<Loose>>,
        pub extra: Map<String, Value>,
        kind: PhantomData<K>,
    }

    impl<K: Known> Object<K> {
        /// Takes the value of field `name` (one of `K::NAMES`).
        pub fn take(&mut self, name: &str) -> Option<Loose> {
            let i = K::NAMES.iter().position(|n| *n == name)?;
            self.fields[i].take()
        }
    }

    /// An entry of a list: an object, or something else.
    pub(super) enum Entry<K> {
        Object(Object<K>),
        NotObject,
    }

    /// A key: its index among the known names, or the name itself.
    enum Key {
        Known(usize),
        Other(String),
    }

    struct KeySeed(&'static [&'static str]);

    impl<'de> DeserializeSeed<'de> for KeySeed {
        type Value = Key;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl<'de> Visitor<'de> for KeySeed {
        type Value = Key;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a field name")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
            Ok(match self.0.iter().position(|n| *n == v) {
                Some(i) => Key::Known(i),
                None => Key::Other(v.to_owned()),
            })
        }
    }

    impl<'de, K: Known> Deserialize<'de> for Entry<K> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Entry<K>, D::Error> {
            d.deserialize_any(EntryVisitor(PhantomData))
        }
    }

    struct EntryVisitor<K>(PhantomData<K>);

    impl<'de, K: Known> Visitor<'de> for EntryVisitor<K> {
        type Value = Entry<K>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        scalars_are!(Entry<K>, Entry::NotObject);
        fn visit_unit<E: de::Error>(self) -> Result<Entry<K>, E> {
            Ok(Entry::NotObject)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Entry<K>, A::Error> {
            drain_seq(seq).map(|()| Entry::NotObject)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry<K>, A::Error> {
            let mut object = Object {
                fields: (0..K::NAMES.len()).map(|_| None).collect(),
                extra: Map::new(),
                kind: PhantomData,
            };
            while let Some(key) = map.next_key_seed(KeySeed(K::NAMES))? {
                match key {
                    Key::Known(i) => {
                        object.fields[i] = Some(map.next_value_seed(LooseSeed { nested: false })?)
                    }
                    Key::Other(name) => {
                        let value: Value = map.next_value()?;
                        object.extra.insert(name, value);
                    }
                }
            }
            Ok(Entry::Object(object))
        }
    }

    /// A top-level list: a list, `null`, or something else.
    pub(super) enum List<T> {
        Items(Vec<T>),
        Null,
        Other,
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<List<T>, D::Error> {
            d.deserialize_any(ListVisitor(PhantomData))
        }
    }

    struct ListVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
        type Value = List<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        scalars_are!(List<T>, List::Other);
        fn visit_unit<E: de::Error>(self) -> Result<List<T>, E> {
            Ok(List::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(List::Items(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
            drain_map(map).map(|()| List::Other)
        }
    }

    /// The top-level object: its known keys (the last of duplicates wins, as in a `Value`),
    /// or something that is not an object.
    pub(super) enum Top {
        Object(Box<TopObject>),
        NotObject,
    }

    pub(super) struct TopObject {
        pub format: Option<Value>,
        pub people: Option<List<Entry<crate::export::Person>>>,
        pub relationships: Option<List<Entry<super::RelationshipFields>>>,
        pub records: Option<List<Entry<crate::export::Record>>>,
        pub source_system: Option<Loose>,
        pub exported_at: Option<Loose>,
    }

    const TOP_KEYS: &[&str] = &[
        "format",
        "people",
        "relationships",
        "records",
        "source_system",
        "exported_at",
    ];

    impl<'de> Deserialize<'de> for Top {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Top, D::Error> {
            d.deserialize_any(TopVisitor)
        }
    }

    struct TopVisitor;

    impl<'de> Visitor<'de> for TopVisitor {
        type Value = Top;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        scalars_are!(Top, Top::NotObject);
        fn visit_unit<E: de::Error>(self) -> Result<Top, E> {
            Ok(Top::NotObject)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Top, A::Error> {
            drain_seq(seq).map(|()| Top::NotObject)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
            let mut top = TopObject {
                format: None,
                people: None,
                relationships: None,
                records: None,
                source_system: None,
                exported_at: None,
            };
            while let Some(key) = map.next_key_seed(KeySeed(TOP_KEYS))? {
                let loose = LooseSeed { nested: false };
                match key {
                    Key::Known(0) => top.format = Some(map.next_value()?),
                    Key::Known(1) => top.people = Some(map.next_value()?),
                    Key::Known(2) => top.relationships = Some(map.next_value()?),
                    Key::Known(3) => top.records = Some(map.next_value()?),
                    Key::Known(4) => top.source_system = Some(map.next_value_seed(loose)?),
                    Key::Known(_) => top.exported_at = Some(map.next_value_seed(loose)?),
                    Key::Other(_) => {
                        map.next_value::<Value>()?;
                    }
                }
            }
            Ok(Top::Object(Box::new(top)))
        }
    }
}

use raw::Loose;

type FieldError = (Option<String>, String);

/// `s` without leading and trailing whitespace (its own allocation when there is none).
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_string()
    }
}

fn required_str(v: Option<Loose>, key: &str) -> Result<String, String> {
    match v {
        Some(Loose::Str(s)) if !s.trim().is_empty() => Ok(trimmed(s)),
        Some(Loose::Num(n)) => Ok(n.to_string()),
        Some(_) => Err(format!("`{key}` must be a non-empty string")),
        None => Err(format!("`{key}` is missing")),
    }
}

fn optional_str(v: Option<Loose>) -> Option<String> {
    match v {
        Some(Loose::Str(s)) if !s.trim().is_empty() => Some(trimmed(s)),
        Some(Loose::Num(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// A string or a list of strings (identifiers may be recorded several times).
fn string_list(v: Option<Loose>) -> Vec<String> {
    match v {
        Some(Loose::List(items)) => items
            .into_iter()
            .filter_map(|v| optional_str(Some(v)))
            .collect(),
        other => optional_str(other).into_iter().collect(),
    }
}

const PERSON_FIELDS: &[&str] = &[
    "id",
    "name",
    "aliases",
    "dob",
    "gender",
    "kind",
    "job_title",
    "organisation",
    "team",
    "address",
    "phone",
    "email",
    "nhs_number",
    "ni_number",
    "upn",
];

impl raw::Known for Person {
    const NAMES: &'static [&'static str] = PERSON_FIELDS;
}

fn parse_person(value: raw::Entry<Person>) -> Result<Person, FieldError> {
    let raw::Entry::Object(mut obj) = value else {
        return Err((None, "is not a JSON object; ignored".into()));
    };
    let id = required_str(obj.take("id"), "id")
        .map_err(|m| (None, format!("{m}; the person was ignored")))?;
    let fail = |m: String| (Some(id.clone()), format!("{m}; the person was ignored"));
    let name = required_str(obj.take("name"), "name").map_err(fail)?;
    let kind_text = required_str(obj.take("kind"), "kind").map_err(fail)?;
    let kind = PersonKind::parse(&kind_text).ok_or_else(|| {
        fail(format!(
            "`kind` is {kind_text:?}, expected \"citizen\" or \"worker\""
        ))
    })?;
    Ok(Person {
        id: PersonId::new(id.clone()),
        name,
        aliases: string_list(obj.take("aliases")),
        dob: optional_str(obj.take("dob")),
        gender: optional_str(obj.take("gender")),
        kind,
        job_title: optional_str(obj.take("job_title")),
        organisation: optional_str(obj.take("organisation")),
        team: optional_str(obj.take("team")),
        address: string_list(obj.take("address")),
        phone: string_list(obj.take("phone")),
        email: string_list(obj.take("email")),
        nhs_number: string_list(obj.take("nhs_number")),
        ni_number: string_list(obj.take("ni_number")),
        upn: string_list(obj.take("upn")),
        extra: obj.extra,
    })
}

const RECORD_FIELDS: &[&str] = &[
    "id", "kind", "file_of", "date", "author", "title", "people", "text", "file",
];

impl raw::Known for Record {
    const NAMES: &'static [&'static str] = RECORD_FIELDS;
}

/// The fields of a relationship entry.
struct RelationshipFields;

impl raw::Known for RelationshipFields {
    const NAMES: &'static [&'static str] = &["from", "to", "type"];
}

fn parse_record(value: raw::Entry<Record>) -> Result<Record, FieldError> {
    let raw::Entry::Object(mut obj) = value else {
        return Err((None, "is not a JSON object; ignored".into()));
    };
    let id = required_str(obj.take("id"), "id")
        .map_err(|m| (None, format!("{m}; the record was ignored")))?;
    let fail = |m: String| {
        (
            Some(id.clone()),
            format!("{m}; the record cannot be processed"),
        )
    };
    let kind = required_str(obj.take("kind"), "kind").map_err(fail)?;
    let file_of = required_str(obj.take("file_of"), "file_of").map_err(fail)?;
    let date = required_str(obj.take("date"), "date").map_err(fail)?;
    if !looks_like_iso_date(&date) {
        return Err(fail(format!(
            "`date` is {date:?}, expected YYYY-MM-DD or an ISO date-time"
        )));
    }
    let body = match (obj.take("text"), optional_str(obj.take("file"))) {
        (Some(Loose::Str(t)), _) => Body::Text(t),
        (_, Some(f)) => Body::File(f),
        _ => return Err(fail("has neither `text` nor `file`".into())),
    };
    Ok(Record {
        id: RecordId::new(id.clone()),
        kind,
        file_of: PersonId::new(file_of),
        date,
        author: optional_str(obj.take("author")).map(PersonId::new),
        title: optional_str(obj.take("title")),
        people: string_list(obj.take("people"))
            .into_iter()
            .map(PersonId::new)
            .collect(),
        body,
        extra: obj.extra,
    })
}

fn looks_like_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert_eq!(
            clean_relative("documents/a.pdf"),
            Some(PathBuf::from("documents/a.pdf"))
        );
        assert_eq!(
            clean_relative("./documents/a.pdf"),
            Some(PathBuf::from("documents/a.pdf"))
        );
        assert_eq!(clean_relative("../secret"), None);
        assert_eq!(clean_relative("documents/../../x"), None);
        assert_eq!(clean_relative("/etc/passwd"), None);
        assert_eq!(clean_relative("..\\..\\x"), None);
    }

    fn parse(json: &str) -> Result<Export, ExportError> {
        let top: raw::Top = serde_json::from_str(json).expect("valid JSON");
        parse_manifest(Path::new("export.json"), top)
    }

    #[test]
    fn fields_read_as_loosely_as_a_value_tree_reads_them() {
        let json = r#"{
          "format": "sar-records-export/1", "source_system": "Mosaic", "exported_at": 7,
          "unknown": {"deep": [[1, {"a": null}]]},
          "people": [
            {"id": " P1 ", "name": "Ann Lee", "kind": "citizen", "name": "Ann B Lee",
             "phone": ["0770", 7, null, ["x"], " ", {"a": 1}, " 0771 "], "aliases": "Annie",
             "nhs_number": 4857773456, "email": {"a": 1}, "x": {"deep": [1.5, "y"]},
             "n\u0061me": "Escaped Key"},
            "not an object",
            {"id": 2, "name": "Bob", "kind": "Professional", "team": "  "},
            {"name": "No Id", "kind": "citizen"},
            [1, 2]
          ],
          "relationships": [
            {"from": " P1", "to": "2 ", "type": 7}, {"from": "P1"}, [1], "x",
            {"from": "2", "to": "P1", "type": " parent "}
          ],
          "records": [
            {"id": "R1", "kind": "note", "file_of": "P1", "date": "2020-01-02",
             "text": "  keep spaces ", "title": " T ", "people": ["P1", 2, false], "z": true},
            {"id": "R2", "kind": "doc", "file_of": "P1", "date": "2020-01-02", "text": 5,
             "file": " a.pdf "},
            {"id": "R3", "kind": "note", "file_of": "P1", "date": "02/01/2020", "text": "x"},
            {"id": "", "kind": "note"},
            null
          ]
        }"#;
        let export = parse(json).unwrap();
        assert_eq!(export.source_system.as_deref(), Some("Mosaic"));
        assert_eq!(export.exported_at, None);
        let ann = &export.people[0];
        assert_eq!(ann.id.as_str(), "P1");
        assert_eq!(ann.name, "Escaped Key"); // the last of three `name` keys
        assert_eq!(ann.phone, ["0770", "7", "0771"]);
        assert_eq!(ann.aliases, ["Annie"]);
        assert_eq!(ann.nhs_number, ["4857773456"]);
        assert!(ann.email.is_empty());
        assert_eq!(ann.extra.len(), 1);
        assert_eq!(ann.extra["x"], serde_json::json!({"deep": [1.5, "y"]}));
        let bob = &export.people[1];
        assert_eq!(
            (bob.id.as_str(), bob.kind, bob.team.as_deref()),
            ("2", PersonKind::Worker, None)
        );
        assert_eq!(export.people.len(), 2);
        let rel: Vec<(&str, &str, &str)> = export
            .relationships
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str(), r.kind.as_str()))
            .collect();
        assert_eq!(rel, [("P1", "2", "related"), ("2", "P1", "parent")]);
        let r1 = &export.records[0];
        assert_eq!(r1.body, Body::Text("  keep spaces ".into()));
        assert_eq!(r1.title.as_deref(), Some("T"));
        let people: Vec<&str> = r1.people.iter().map(|p| p.as_str()).collect();
        assert_eq!(people, ["P1", "2"]);
        assert_eq!(r1.extra["z"], true);
        assert_eq!(export.records[1].body, Body::File("a.pdf".into()));
        assert_eq!(export.records.len(), 2);
        let problems: Vec<String> = export.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            problems,
            [
                "person #2: is not a JSON object; ignored",
                "person #4: `id` is missing; the person was ignored",
                "person #5: is not a JSON object; ignored",
                "relationship #2: needs `from` and `to` person ids; it was ignored",
                "relationship #3: needs `from` and `to` person ids; it was ignored",
                "relationship #4: needs `from` and `to` person ids; it was ignored",
                "record R3: `date` is \"02/01/2020\", expected YYYY-MM-DD or an ISO date-time; \
                 the record cannot be processed",
                "record #4: `id` must be a non-empty string; the record was ignored",
                "record #5: is not a JSON object; ignored",
            ]
        );
    }

    #[test]
    fn the_top_level_reads_as_a_value_tree_reads_it() {
        let shape = |json: &str| match parse(json) {
            Err(ExportError::Shape { reason, .. }) => reason,
            Err(ExportError::UnknownFormat { found, .. }) => format!("format {found}"),
            Err(e) => e.to_string(),
            Ok(e) => format!("ok {:?}", e.problems),
        };
        assert_eq!(shape("[1]"), "is not a JSON object");
        assert_eq!(shape("\"x\""), "is not a JSON object");
        assert_eq!(shape(r#"{"format": {"v": 1}}"#), r#"format {"v":1}"#);
        assert_eq!(shape(r#"{"people": []}"#), "format (none)");
        assert_eq!(
            shape(r#"{"format": "sar-records-export/1", "people": null}"#),
            "has no `people` and no `records`"
        );
        let text = shape(
            r#"{"format": "sar-records-export/1", "people": {"a": 1}, "relationships": 3,
                "records": [], "records": [{"id": "R", "kind": "k", "file_of": "P", "date": "2020-01-01", "text": ""}]}"#,
        );
        assert!(text.starts_with("ok "), "{text}");
        assert!(text.contains("`people` is not a list"), "{text}");
        assert!(text.contains("`relationships` is not a list"), "{text}");
    }

    #[test]
    fn iso_dates() {
        assert!(looks_like_iso_date("2012-05-03"));
        assert!(looks_like_iso_date("2012-05-03T14:10:00"));
        assert!(!looks_like_iso_date("03/05/2012"));
    }
}
