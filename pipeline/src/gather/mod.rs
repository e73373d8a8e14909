//! Gathering: which records of an export belong to one data subject, and why.
//!
//! Pure and synchronous: the caller passes the people, relationships and records and, per
//! record, its [`RecordBody`] (text, or why it cannot be read). The criteria:
//! - **own file**: the record sits on the subject's file;
//! - **linked**: the subject is in the record's `people`;
//! - **mentioned by name**: the record is on someone else's file and its title, file name or
//!   text names the subject. A full name or multi-word alias is enough on its own. A given name
//!   or nickname alone needs context: the record's file must belong to someone connected to the
//!   subject, and no namesake (another person with that name) may fit the record better (their
//!   own file, their relatives' files, their surname next to the name, their family named in
//!   it). A tie is put to a person, never guessed.
//!
//! Records that cannot be read are still gathered when their metadata says so (own file,
//! linked) and are listed as unreadable; an unreadable record on a connected person's file is
//! listed for review because it may name the subject. Nothing is dropped silently: every record
//! the criteria touched is gathered, marked a copy, put to review or excluded with a reason, and
//! the [`SearchLog`] counts it.

mod dedup;
mod names;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::export::{Body, Export, Person, Record, Relationship};
use crate::ids::{PersonId, RecordId};

pub use dedup::{NEAR_COPY_JACCARD, QUOTED_CONTAINMENT};
pub use names::{NameForm, NameVariant, fold, variants};

/// The text of one record, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordText {
    /// The body: a text record's `text`, or the extracted text of its document.
    Readable(String),
    /// No text could be read: a scan, a missing, corrupt or unsupported file, or a PDF that the
    /// extractor cannot yet read. `reason` says which, for the log and the schedule.
    Unreadable { reason: String },
}

/// What gathering needs to know about a record's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBody {
    pub text: RecordText,
    /// A hash of the content (e.g. the SHA-256 of the file's bytes); two records with the same
    /// hash are exact copies. Without it, the hash of the readable text is used.
    pub content_hash: Option<String>,
}

impl RecordBody {
    pub fn readable(text: impl Into<String>) -> Self {
        RecordBody {
            text: RecordText::Readable(text.into()),
            content_hash: None,
        }
    }

    pub fn unreadable(reason: impl Into<String>) -> Self {
        RecordBody {
            text: RecordText::Unreadable {
                reason: reason.into(),
            },
            content_hash: None,
        }
    }

    pub fn with_content_hash(mut self, hash: impl Into<String>) -> Self {
        self.content_hash = Some(hash.into());
        self
    }
}

/// Reads a record's body from its export: the `text`, or the document's extracted text (with
/// the SHA-256 of its bytes as the content hash). A file that is missing, too large, of an
/// unsupported type, corrupt or an image-only scan comes back [`RecordText::Unreadable`] with
/// the reason, never as an error: gathering goes on and reports it.
pub fn read_body(export: &Export, record: &Record) -> RecordBody {
    let file = match &record.body {
        Body::Text(text) => return RecordBody::readable(text.clone()),
        Body::File(file) => file,
    };
    let bytes = match export.read_file(file) {
        Ok(bytes) => bytes,
        Err(err) => return RecordBody::unreadable(err.to_string()),
    };
    let hash = hex::encode(Sha256::digest(&bytes));
    let options = crate::stages::extract::options();
    let body = match sar_redaction::extract::extract_with(file, &bytes, options) {
        Ok(extracted) if !extracted.is_blank() => RecordBody::readable(extracted.full_text()),
        Ok(_) => RecordBody::unreadable(format!("{file}: no text in the document")),
        Err(err) => RecordBody::unreadable(err.to_string()),
    };
    body.with_content_hash(hash)
}

/// A requester's clarification narrowing the request (both ends inclusive; `None` = open).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Record kinds (`case_note`, `letter`, ...), compared case-insensitively; empty = all.
    #[serde(default)]
    pub kinds: Vec<String>,
}

impl Scope {
    /// Why `record` falls outside the scope, or `None` when it is inside. A record whose date
    /// cannot be read is kept in (dropping it would hide it from the subject).
    fn excludes(&self, record: &Record) -> Option<String> {
        if !self.kinds.is_empty()
            && !self
                .kinds
                .iter()
                .any(|k| k.trim().eq_ignore_ascii_case(record.kind.trim()))
        {
            return Some(format!("kind `{}` not in the requested kinds", record.kind));
        }
        let day: Date = record.day().parse().ok()?;
        if self.from.is_some_and(|from| day < from) {
            return Some(format!("dated {day}, before the requested range"));
        }
        if self.to.is_some_and(|to| day > to) {
            return Some(format!("dated {day}, after the requested range"));
        }
        None
    }
}

/// Why a record belongs to the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    OwnFile,
    Linked,
    MentionedByName,
}

/// The whole input of a gather.
#[derive(Debug, Clone, Copy)]
pub struct GatherInput<'a> {
    pub people: &'a [Person],
    pub relationships: &'a [Relationship],
    pub records: &'a [Record],
    pub subject: &'a PersonId,
    pub scope: &'a Scope,
}

/// A record in the subject's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatheredRecord {
    pub record: RecordId,
    pub reasons: Vec<Reason>,
    /// For `mentioned_by_name`: which forms of the subject's name were found.
    pub name_forms: Vec<NameForm>,
    /// Set when the text could not be read (the record is gathered on its metadata).
    pub unreadable: Option<String>,
}

/// How a copy relates to the record kept in its place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Copy {
    /// Same content hash or same text.
    Exact,
    /// Nearly the same text (word 5-gram Jaccard).
    Near { jaccard: f64 },
    /// Its text is quoted whole in the kept record (an earlier mail in a thread).
    Quoted { containment: f64 },
}

/// A gathered record that duplicates another one kept in the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    pub record: GatheredRecord,
    pub duplicate_of: RecordId,
    pub copy: Copy,
}

/// Why a record needs a person to decide whether it is the subject's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReviewReason {
    /// Unreadable, on the file of someone connected to the subject: it may name them.
    UnreadableOnConnectedFile { reason: String },
    /// Names the subject's given name or nickname, and a namesake fits it equally well.
    AmbiguousNamesake { namesakes: Vec<PersonId> },
    /// Names the subject's given name or nickname on a file with no known link to the subject.
    WeakMentionUnconnected,
}

/// A record put to a reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub record: RecordId,
    pub reason: ReviewReason,
}

/// Why a record the criteria touched is not gathered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ExclusionReason {
    /// The name found belongs to another person here (`namesakes`), who fits the record better.
    Namesake { namesakes: Vec<PersonId> },
    /// It met `criteria` but lies outside the requested scope.
    OutOfScope {
        criteria: Vec<Reason>,
        detail: String,
    },
    /// Its text could not be read and nothing links it to the subject or their family.
    UnreadableUnconnected { reason: String },
    /// A given name or nickname of the subject only as an ordinary word (lower case, or a
    /// capital only at a sentence start, for a name the export uses as a word).
    CommonWordOnly,
}

/// A record left out, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub record: RecordId,
    pub reason: ExclusionReason,
}

/// One name form searched for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchedName {
    pub name: String,
    pub form: NameForm,
    /// The export also uses it as an ordinary word, so only capitalised, mid-sentence uses count.
    pub also_common_word: bool,
}

/// The search log: what was searched, how, and what each step found or left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchLog {
    pub subject: PersonId,
    /// The subject's names and aliases, in every form searched (the subject's own data).
    pub names_searched: Vec<SearchedName>,
    /// Where names were searched: title, file name, text.
    pub fields_searched: Vec<String>,
    pub scope: Scope,
    pub records_examined: usize,
    /// People whose files count as connected to the subject (relationships, two steps).
    pub connected_people: Vec<PersonId>,
    /// Records each criterion found (a record can meet several), before scope and copies.
    pub found_by_criterion: BTreeMap<String, usize>,
    pub gathered: usize,
    pub exact_copies: usize,
    pub near_copies: usize,
    pub needs_review: usize,
    /// Exclusions per reason.
    pub excluded: BTreeMap<String, usize>,
    /// Every record whose text could not be read among those the criteria touched, with why.
    pub unreadable: Vec<UnreadableEntry>,
}

/// An unreadable record and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableEntry {
    pub record: RecordId,
    pub reason: String,
    /// `gathered`, `needs_review` or `excluded`.
    pub outcome: String,
}

/// The result of a gather.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gathered {
    pub subject: PersonId,
    /// Records kept, in export order.
    pub records: Vec<GatheredRecord>,
    /// Gathered records that copy a kept one.
    pub duplicates: Vec<Duplicate>,
    pub needs_review: Vec<ReviewItem>,
    pub excluded: Vec<Exclusion>,
    pub log: SearchLog,
}

impl Gathered {
    /// Every record in the result, kept or marked a copy.
    pub fn all_ids(&self) -> impl Iterator<Item = &RecordId> {
        self.records
            .iter()
            .map(|r| &r.record)
            .chain(self.duplicates.iter().map(|d| &d.record.record))
    }
}

/// Why a gather could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum GatherError {
    #[error("subject {0} is not among the export's people; check the request's person id")]
    UnknownSubject(PersonId),
    #[error("record {record}: no body was supplied for it")]
    MissingBody { record: RecordId },
    #[error(transparent)]
    Names(#[from] names::NameIndexError),
}

/// Relationship hops within which another person's file counts as connected to the subject.
const CONNECTED_HOPS: usize = 2;

/// Gathers the subject's records. `body_of` is asked once per record, in export order.
pub fn gather(
    input: GatherInput<'_>,
    mut body_of: impl FnMut(&Record) -> Option<RecordBody>,
) -> Result<Gathered, GatherError> {
    let subject_index = input
        .people
        .iter()
        .position(|p| &p.id == input.subject)
        .ok_or_else(|| GatherError::UnknownSubject(input.subject.clone()))?;
    let people: Vec<&Person> = input.people.iter().collect();
    let index = names::NameIndex::build(&people)?;
    let family = Family::new(input.people, input.relationships);
    let subject_hops = family.hops_from(subject_index);
    let dates_of_birth = DatesOfBirth::build(&people, &index, subject_index)?;

    // Pass 1: read each record once; keep only hits, hashes and shingles.
    let mut seen: Vec<Seen> = Vec::with_capacity(input.records.len());
    let mut lowercase_uses: HashMap<usize, (usize, usize)> = HashMap::new();
    for record in input.records {
        let body = body_of(record).ok_or_else(|| GatherError::MissingBody {
            record: record.id.clone(),
        })?;
        let searchable = searchable_text(record, &body.text);
        let folded = fold(&searchable);
        let hits = index.find(&folded);
        let dobs_named = dates_of_birth.find(&folded);
        for hit in &hits {
            if index.patterns[hit.pattern]
                .owners
                .iter()
                .any(|(o, _)| *o == subject_index)
            {
                let entry = lowercase_uses.entry(hit.pattern).or_default();
                entry.0 += 1;
                if !hit.capitalised {
                    entry.1 += 1;
                }
            }
        }
        let (unreadable, hash, shingles) = match &body.text {
            RecordText::Readable(text) => {
                let collapsed = fold(text).text;
                let hash = body
                    .content_hash
                    .clone()
                    .unwrap_or_else(|| hex::encode(Sha256::digest(collapsed.as_bytes())));
                (None, Some(hash), dedup::shingles(&collapsed))
            }
            RecordText::Unreadable { reason } => (Some(reason.clone()), body.content_hash, vec![]),
        };
        seen.push(Seen {
            hits,
            dobs_named,
            unreadable,
            hash,
            shingles,
        });
    }
    // A weak form used in lower case in a fair share of its uses is also an ordinary word.
    let common_word: HashSet<usize> = lowercase_uses
        .iter()
        .filter(|(_, (all, lower))| *lower >= 2 && *lower * 5 > *all)
        .map(|(pattern, _)| *pattern)
        .collect();

    let judge = Judge {
        input: &input,
        index: &index,
        family: &family,
        subject: subject_index,
        subject_hops: &subject_hops,
        common_word: &common_word,
    };
    let mut outcome = Outcome::default();
    let mut found_by_criterion: BTreeMap<String, usize> = BTreeMap::new();
    let mut gathered_indexes: Vec<usize> = Vec::new();
    let mut gathered_rows: HashMap<usize, GatheredRecord> = HashMap::new();
    let mut unreadable_log: Vec<UnreadableEntry> = Vec::new();

    for (i, (record, seen)) in input.records.iter().zip(&seen).enumerate() {
        let verdict = judge.verdict(record, seen);
        let reasons = match &verdict {
            Verdict::Gather { reasons, .. } => reasons.clone(),
            _ => vec![],
        };
        for reason in &reasons {
            *found_by_criterion
                .entry(reason_name(*reason).to_string())
                .or_default() += 1;
        }
        let log_unreadable = |outcome: &str, log: &mut Vec<UnreadableEntry>| {
            if let Some(reason) = &seen.unreadable {
                log.push(UnreadableEntry {
                    record: record.id.clone(),
                    reason: reason.clone(),
                    outcome: outcome.to_string(),
                });
            }
        };
        match verdict {
            Verdict::Gather { reasons, forms } => {
                if let Some(detail) = input.scope.excludes(record) {
                    outcome.exclude(
                        record,
                        ExclusionReason::OutOfScope {
                            criteria: reasons,
                            detail,
                        },
                    );
                    log_unreadable("excluded", &mut unreadable_log);
                    continue;
                }
                log_unreadable("gathered", &mut unreadable_log);
                gathered_indexes.push(i);
                gathered_rows.insert(
                    i,
                    GatheredRecord {
                        record: record.id.clone(),
                        reasons,
                        name_forms: forms,
                        unreadable: seen.unreadable.clone(),
                    },
                );
            }
            Verdict::Review(reason) => {
                if input.scope.excludes(record).is_some() {
                    continue; // outside the scope the requester asked for: nothing to review
                }
                log_unreadable("needs_review", &mut unreadable_log);
                outcome.needs_review.push(ReviewItem {
                    record: record.id.clone(),
                    reason,
                });
            }
            Verdict::Exclude(reason) => {
                log_unreadable("excluded", &mut unreadable_log);
                outcome.exclude(record, reason);
            }
            Verdict::NotTouched => {}
        }
    }

    // Copies among the gathered records: the record to keep comes first.
    let mut order = gathered_indexes.clone();
    order.sort_by_key(|&i| {
        let record = &input.records[i];
        let reasons = &gathered_rows[&i].reasons;
        (
            !reasons.contains(&Reason::OwnFile),
            !reasons.contains(&Reason::Linked),
            record.day().to_string(),
            i,
        )
    });
    let mut copy_of: HashMap<usize, (usize, Copy)> = HashMap::new();
    let mut first_with_hash: HashMap<&str, usize> = HashMap::new();
    for &i in &order {
        if let Some(hash) = seen[i].hash.as_deref() {
            match first_with_hash.get(hash) {
                Some(&kept) => {
                    copy_of.insert(i, (kept, Copy::Exact));
                }
                None => {
                    first_with_hash.insert(hash, i);
                }
            }
        }
    }
    let remaining: Vec<usize> = order
        .iter()
        .copied()
        .filter(|i| !copy_of.contains_key(i))
        .collect();
    let sets: Vec<Vec<u64>> = remaining
        .iter()
        .map(|&i| seen[i].shingles.clone())
        .collect();
    for (copy, kept, nearness) in dedup::near_copies(&sets) {
        let kind = match nearness {
            dedup::Nearness::Copy { jaccard } => Copy::Near { jaccard },
            dedup::Nearness::Quoted { containment } => Copy::Quoted { containment },
        };
        copy_of.insert(remaining[copy], (remaining[kept], kind));
    }

    // Point every copy at a record that is kept (a copy of a copy goes to the kept one).
    let links: Vec<(usize, (usize, Copy))> = copy_of.iter().map(|(&i, &l)| (i, l)).collect();
    for (i, (mut target, mut copy)) in links {
        let mut hops = 0;
        while let Some(&(next, next_copy)) = copy_of.get(&target) {
            if copy == Copy::Exact {
                copy = next_copy;
            }
            target = next;
            hops += 1;
            if hops > order.len() {
                break; // a cycle cannot arise from the passes above; never loop on one
            }
        }
        copy_of.insert(i, (target, copy));
    }

    let mut records = Vec::new();
    let mut duplicates = Vec::new();
    for i in gathered_indexes {
        let Some(row) = gathered_rows.remove(&i) else {
            continue;
        };
        match copy_of.get(&i) {
            Some(&(kept, copy)) => duplicates.push(Duplicate {
                record: row,
                duplicate_of: input.records[kept].id.clone(),
                copy,
            }),
            None => records.push(row),
        }
    }

    let mut excluded_counts: BTreeMap<String, usize> = BTreeMap::new();
    for exclusion in &outcome.excluded {
        *excluded_counts
            .entry(exclusion_name(&exclusion.reason).to_string())
            .or_default() += 1;
    }
    let subject_person = input.people[subject_index].clone();
    let names_searched = names::variants(&subject_person)
        .into_iter()
        .map(|v| {
            let also_common_word = index
                .patterns
                .iter()
                .position(|p| p.folded == v.folded)
                .is_some_and(|p| !v.form.is_strong() && common_word.contains(&p));
            SearchedName {
                name: v.written,
                form: v.form,
                also_common_word,
            }
        })
        .collect();
    let mut connected_people: Vec<PersonId> = subject_hops
        .iter()
        .filter(|(p, hops)| **p != subject_index && **hops <= CONNECTED_HOPS)
        .map(|(p, _)| input.people[*p].id.clone())
        .collect();
    connected_people.sort();
    let log = SearchLog {
        subject: input.subject.clone(),
        names_searched,
        fields_searched: vec!["title".into(), "file_name".into(), "text".into()],
        scope: input.scope.clone(),
        records_examined: input.records.len(),
        connected_people,
        found_by_criterion,
        gathered: records.len(),
        exact_copies: duplicates.iter().filter(|d| d.copy == Copy::Exact).count(),
        near_copies: duplicates.iter().filter(|d| d.copy != Copy::Exact).count(),
        needs_review: outcome.needs_review.len(),
        excluded: excluded_counts,
        unreadable: unreadable_log,
    };
    Ok(Gathered {
        subject: input.subject.clone(),
        records,
        duplicates,
        needs_review: outcome.needs_review,
        excluded: outcome.excluded,
        log,
    })
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::OwnFile => "own_file",
        Reason::Linked => "linked",
        Reason::MentionedByName => "mentioned_by_name",
    }
}

fn exclusion_name(reason: &ExclusionReason) -> &'static str {
    match reason {
        ExclusionReason::Namesake { .. } => "namesake",
        ExclusionReason::OutOfScope { .. } => "out_of_scope",
        ExclusionReason::UnreadableUnconnected { .. } => "unreadable_unconnected",
        ExclusionReason::CommonWordOnly => "common_word_only",
    }
}

/// The title, the file name (its separators as spaces) and the text, one per line.
fn searchable_text(record: &Record, text: &RecordText) -> String {
    let mut out = String::new();
    if let Some(title) = &record.title {
        out.push_str(title);
        out.push('\n');
    }
    if let Some(file) = record.file() {
        let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        out.extend(
            stem.chars()
                .map(|c| if matches!(c, '-' | '_' | '.') { ' ' } else { c }),
        );
        out.push('\n');
    }
    if let RecordText::Readable(body) = text {
        out.push_str(body);
    }
    out
}

/// What pass 1 kept of a record.
struct Seen {
    hits: Vec<names::Hit>,
    /// People (of those sharing a name with the subject) whose date of birth the text gives.
    dobs_named: Vec<usize>,
    unreadable: Option<String>,
    hash: Option<String>,
    shingles: Vec<u64>,
}

#[derive(Default)]
struct Outcome {
    needs_review: Vec<ReviewItem>,
    excluded: Vec<Exclusion>,
}

impl Outcome {
    fn exclude(&mut self, record: &Record, reason: ExclusionReason) {
        self.excluded.push(Exclusion {
            record: record.id.clone(),
            reason,
        });
    }
}

enum Verdict {
    Gather {
        reasons: Vec<Reason>,
        forms: Vec<NameForm>,
    },
    Review(ReviewReason),
    Exclude(ExclusionReason),
    NotTouched,
}

/// The relationship graph, undirected, over indexes into the people.
struct Family {
    neighbours: Vec<Vec<usize>>,
    by_id: HashMap<PersonId, usize>,
}

impl Family {
    fn new(people: &[Person], relationships: &[Relationship]) -> Family {
        let by_id: HashMap<PersonId, usize> = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let mut neighbours = vec![Vec::new(); people.len()];
        for edge in relationships {
            if let (Some(&a), Some(&b)) = (by_id.get(&edge.from), by_id.get(&edge.to))
                && a != b
            {
                neighbours[a].push(b);
                neighbours[b].push(a);
            }
        }
        Family { neighbours, by_id }
    }

    /// Hops from `start` to everyone within [`CONNECTED_HOPS`].
    fn hops_from(&self, start: usize) -> HashMap<usize, usize> {
        let mut hops = HashMap::from([(start, 0)]);
        let mut queue = VecDeque::from([start]);
        while let Some(at) = queue.pop_front() {
            let next = hops[&at] + 1;
            if next > CONNECTED_HOPS {
                continue;
            }
            for &n in &self.neighbours[at] {
                hops.entry(n).or_insert_with(|| {
                    queue.push_back(n);
                    next
                });
            }
        }
        hops
    }
}

/// Decides one record against the criteria.
struct Judge<'a> {
    input: &'a GatherInput<'a>,
    index: &'a names::NameIndex,
    family: &'a Family,
    subject: usize,
    subject_hops: &'a HashMap<usize, usize>,
    common_word: &'a HashSet<usize>,
}

impl Judge<'_> {
    fn verdict(&self, record: &Record, seen: &Seen) -> Verdict {
        let subject_id = self.input.subject;
        let mut reasons = Vec::new();
        if &record.file_of == subject_id {
            reasons.push(Reason::OwnFile);
        }
        if record.people.contains(subject_id) {
            reasons.push(Reason::Linked);
        }
        let mention = self.mention(record, seen);
        let mut forms = Vec::new();
        if let Mention::Subject(found) = &mention {
            reasons.push(Reason::MentionedByName);
            forms = found.clone();
        }
        if !reasons.is_empty() {
            return Verdict::Gather { reasons, forms };
        }
        match mention {
            // Never reached: a mention of the subject is a reason, handled above.
            Mention::Subject(_) => Verdict::Gather { reasons, forms },
            Mention::Namesake(namesakes) => {
                Verdict::Exclude(ExclusionReason::Namesake { namesakes })
            }
            Mention::Ambiguous(namesakes) => {
                Verdict::Review(ReviewReason::AmbiguousNamesake { namesakes })
            }
            Mention::Unconnected => Verdict::Review(ReviewReason::WeakMentionUnconnected),
            Mention::CommonWordOnly => Verdict::Exclude(ExclusionReason::CommonWordOnly),
            Mention::None => match &seen.unreadable {
                Some(reason) => {
                    let connected = self
                        .family
                        .by_id
                        .get(&record.file_of)
                        .and_then(|f| self.subject_hops.get(f))
                        .is_some_and(|&hops| hops <= 1)
                        || record.people.iter().any(|p| {
                            self.family
                                .by_id
                                .get(p)
                                .and_then(|p| self.subject_hops.get(p))
                                .is_some_and(|&hops| hops <= 1)
                        });
                    if connected {
                        Verdict::Review(ReviewReason::UnreadableOnConnectedFile {
                            reason: reason.clone(),
                        })
                    } else {
                        Verdict::Exclude(ExclusionReason::UnreadableUnconnected {
                            reason: reason.clone(),
                        })
                    }
                }
                None => Verdict::NotTouched,
            },
        }
    }

    /// Whether the record's words name the subject, a namesake, or nobody decidable.
    fn mention(&self, record: &Record, seen: &Seen) -> Mention {
        let mut strong_forms: Vec<NameForm> = Vec::new();
        let mut weak_forms: Vec<NameForm> = Vec::new();
        let mut weak_rivals: HashSet<usize> = HashSet::new();
        let mut strong_rivals: HashSet<usize> = HashSet::new();
        let mut common_word_only = false;
        for hit in &seen.hits {
            let pattern = &self.index.patterns[hit.pattern];
            let Some(&(_, form)) = pattern.owners.iter().find(|(o, _)| *o == self.subject) else {
                continue;
            };
            let others = pattern
                .owners
                .iter()
                .filter(|(o, _)| *o != self.subject)
                .map(|(o, _)| *o);
            if form.is_strong() {
                strong_forms.push(form);
                strong_rivals.extend(others);
                continue;
            }
            // A weak form that is also an ordinary word counts only as a name: capitalised and
            // not where a capital is grammar.
            if self.common_word.contains(&hit.pattern) && (!hit.capitalised || hit.sentence_initial)
            {
                common_word_only = true;
                continue;
            }
            weak_forms.push(form);
            weak_rivals.extend(others);
        }
        if !strong_forms.is_empty() {
            if strong_rivals.is_empty() {
                return Mention::Subject(dedup_forms(strong_forms.into_iter().chain(weak_forms)));
            }
            // Someone else has the very same full name: decide by context like a given name.
            weak_forms.extend(strong_forms);
            weak_rivals.extend(strong_rivals);
        }
        if weak_forms.is_empty() {
            return if common_word_only {
                Mention::CommonWordOnly
            } else {
                Mention::None
            };
        }
        let subject_affinity = self.affinity(self.subject, record, seen);
        let mut best_rival = 0;
        let mut rivals_at_best: Vec<PersonId> = Vec::new();
        for &rival in &weak_rivals {
            let affinity = self.affinity(rival, record, seen);
            if affinity > best_rival {
                best_rival = affinity;
                rivals_at_best.clear();
            }
            if affinity == best_rival && affinity > 0 {
                rivals_at_best.push(self.input.people[rival].id.clone());
            }
        }
        rivals_at_best.sort();
        if subject_affinity > best_rival {
            Mention::Subject(dedup_forms(weak_forms))
        } else if best_rival > subject_affinity {
            Mention::Namesake(rivals_at_best)
        } else if best_rival > 0 {
            Mention::Ambiguous(rivals_at_best)
        } else {
            Mention::Unconnected
        }
    }

    /// How well the record's context fits `person`: their own file, a link, a relative's file,
    /// their relatives linked or named in it.
    fn affinity(&self, person: usize, record: &Record, seen: &Seen) -> u32 {
        let people = self.input.people;
        let hops = if person == self.subject {
            self.subject_hops.clone()
        } else {
            self.family.hops_from(person)
        };
        let hops_to = |id: &PersonId| self.family.by_id.get(id).and_then(|i| hops.get(i)).copied();
        let mut score = 0;
        match hops_to(&record.file_of) {
            Some(0) => score += 8,
            Some(1) => score += 3,
            Some(_) => score += 1,
            None => {}
        }
        if record.people.contains(&people[person].id) {
            score += 4;
        }
        if record.people.iter().any(|p| matches!(hops_to(p), Some(1))) {
            score += 1;
        }
        // A relative of theirs named in the record (by a form nobody outside the family has).
        let relative_named = seen.hits.iter().any(|hit| {
            let owners = &self.index.patterns[hit.pattern].owners;
            owners.iter().all(|(o, _)| hops.get(o) == Some(&1))
        });
        if relative_named {
            score += 1;
        }
        // A namesake named in full (their surname beside the given name) is strong evidence.
        // Only a form the subject does not share says anything.
        let named_in_full = person != self.subject
            && seen.hits.iter().any(|hit| {
                let owners = &self.index.patterns[hit.pattern].owners;
                owners.iter().all(|(o, _)| *o != self.subject)
                    && owners
                        .iter()
                        .any(|(o, form)| *o == person && form.is_strong())
            });
        if named_in_full {
            score += 3;
        }
        if seen.dobs_named.contains(&person) {
            score += 3;
        }
        score
    }
}

/// The dates of birth of the subject and of everyone sharing a name form with them, in the
/// ways case notes write dates, so that "Stacey (27/07/2005)" can be told from a namesake.
struct DatesOfBirth {
    owners: Vec<usize>,
    automaton: Option<aho_corasick::AhoCorasick>,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl DatesOfBirth {
    fn build(
        people: &[&Person],
        index: &names::NameIndex,
        subject: usize,
    ) -> Result<DatesOfBirth, names::NameIndexError> {
        let mut wanted: Vec<usize> = vec![subject];
        for pattern in &index.patterns {
            if pattern.owners.iter().any(|(o, _)| *o == subject) {
                wanted.extend(pattern.owners.iter().map(|(o, _)| *o));
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut owners = Vec::new();
        let mut forms = Vec::new();
        for person in wanted {
            let Some(dob) = people[person]
                .dob
                .as_deref()
                .and_then(|d| d.get(..10))
                .and_then(|d| d.parse::<Date>().ok())
            else {
                continue;
            };
            let (y, m, d) = (dob.year(), dob.month(), dob.day());
            let month = MONTHS[usize::from(m.unsigned_abs()).saturating_sub(1).min(11)];
            let yy = y.rem_euclid(100);
            for form in [
                format!("{y:04}-{m:02}-{d:02}"),
                format!("{d:02}/{m:02}/{y:04}"),
                format!("{d}/{m}/{y:04}"),
                format!("{d:02}/{m:02}/{yy:02}"),
                format!("{d:02}.{m:02}.{y:04}"),
                format!("{d:02}.{m:02}.{yy:02}"),
                format!("{d} {month} {y:04}"),
                format!("{d:02} {month} {y:04}"),
            ] {
                owners.push(person);
                forms.push(form);
            }
        }
        let automaton = if forms.is_empty() {
            None
        } else {
            Some(
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&forms)
                    .map_err(names::NameIndexError::from)?,
            )
        };
        Ok(DatesOfBirth { owners, automaton })
    }

    /// The people whose date of birth `folded` gives (whole tokens only).
    fn find(&self, folded: &names::Folded) -> Vec<usize> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let text = folded.text.as_str();
        let mut out: Vec<usize> = automaton
            .find_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '/')
                    && !after.is_some_and(|c| c.is_alphanumeric() || c == '/')
            })
            .filter_map(|m| self.owners.get(m.pattern().as_usize()).copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

enum Mention {
    Subject(Vec<NameForm>),
    Namesake(Vec<PersonId>),
    Ambiguous(Vec<PersonId>),
    Unconnected,
    CommonWordOnly,
    None,
}

fn dedup_forms(forms: impl IntoIterator<Item = NameForm>) -> Vec<NameForm> {
    let mut out: Vec<NameForm> = forms.into_iter().collect();
    out.sort();
    out.dedup();
    out
}
