//! Detection of third-party personal data in case records.
//!
//! A [`Detector`] is built once per request from the export's people and relationships, the
//! data subject's id and a [`Policy`]. It reads texts (a record's text or title, a document
//! page, an email's headers) and returns [`Proposal`]s: byte ranges to redact, put to a
//! reviewer, or flag for judgement, each with a category, a reason code and an entity key so
//! one decision can apply to every occurrence.
//!
//! Layout:
//! - [`normalize`]: case and whitespace folding with an offset map back to the original.
//! - [`people`]: the known-people dictionary (names, aliases and their variants), matched with
//!   one dictionary looked up at word starts, plus near-misspellings.
//! - [`identifiers`]: phones, postcodes, addresses, emails, NHS/NI numbers, UPNs, dates of
//!   birth, vehicle registrations, bank details.
//! - [`names`]: people the export does not know, from gazetteers, titles and context.
//! - [`judgement`]: passages a reviewer must judge (SH, HE, CR, LP, CO, AD, EW).
//! - [`policy`]: roles to actions, disclosable relationships, always/never-redact terms.
//! - [`gazetteer`]: the word lists under `config/gazetteers/`, built in.
//! - `words`: the folded text's word starts, where the dictionaries' anchored automata run.
//!
//! Detection over a whole request is two passes ([`Detector::detect_all`]): the first finds
//! unknown people by context anywhere in the request, the second proposes every occurrence
//! of every name, known or discovered, so proposals are consistent across records.

pub mod gazetteer;
pub mod identifiers;
pub mod judgement;
pub mod names;
pub mod normalize;
pub mod people;
pub mod policy;
mod words;

use std::collections::HashMap;
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

pub use policy::{Policy, PolicyError};

/// Whether a person acts in a professional capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    Citizen,
    Worker,
}

/// A person as the export lists them (the detector's own input type, so this crate does not
/// depend on the pipeline's export reader).
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub gender: Option<String>,
    pub dob: Option<String>,
    pub kind: Option<PersonKind>,
    pub job_title: Option<String>,
    pub organisation: Option<String>,
    /// Identifiers held for the person (an export may hold several of each).
    pub address: Vec<String>,
    pub phone: Vec<String>,
    pub email: Vec<String>,
    pub nhs_number: Vec<String>,
    pub ni_number: Vec<String>,
    pub upn: Vec<String>,
}

impl Person {
    fn is_worker(&self) -> bool {
        self.kind == Some(PersonKind::Worker)
    }
}

/// A directed relationship `from -> to` ("mother", "sibling", "mother's partner", ...).
#[derive(Debug, Clone)]
pub struct Relationship {
    pub from: String,
    pub to: String,
    pub kind: String,
}

/// What a proposal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A name of anyone but the subject who is not acting as a professional.
    ThirdPartyName,
    /// A third party's identifier, or a worker's personal contact details.
    ThirdPartyIdentifier,
    /// The identity of a referrer or informant.
    Referrer,
    /// A passage for a reviewer's judgement (serious harm, health, crime, ...).
    Judgement,
}

/// What the tool proposes to do with a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Redact (auto-proposed; a reviewer can still reverse it).
    Redact,
    /// Ambiguous: a reviewer must decide (treated as redacted until then).
    Review,
    /// A passage flagged for a reviewer's judgement; never auto-withheld.
    Flag,
    /// Leave the text in.
    Keep,
}

/// Reason codes (see `shared/domain.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ReasonCode {
    TP,
    CS,
    SH,
    EW,
    HE,
    CR,
    LP,
    CO,
    AD,
    NR,
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ReasonCode {
    /// The code as serialised ("TP", "CS", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::TP => "TP",
            ReasonCode::CS => "CS",
            ReasonCode::SH => "SH",
            ReasonCode::EW => "EW",
            ReasonCode::HE => "HE",
            ReasonCode::CR => "CR",
            ReasonCode::LP => "LP",
            ReasonCode::CO => "CO",
            ReasonCode::AD => "AD",
            ReasonCode::NR => "NR",
        }
    }
}

impl Category {
    /// The category as serialised ("third_party_name", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ThirdPartyName => "third_party_name",
            Category::ThirdPartyIdentifier => "third_party_identifier",
            Category::Referrer => "referrer",
            Category::Judgement => "judgement",
        }
    }
}

impl Action {
    /// The action as serialised ("redact", "review", "flag", "keep").
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Redact => "redact",
            Action::Review => "review",
            Action::Flag => "flag",
            Action::Keep => "keep",
        }
    }
}

/// One proposed redaction or flag in one text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// UTF-8 byte offsets into the text that was scanned.
    pub start: usize,
    pub end: usize,
    /// The matched text (`&text[start..end]`).
    pub text: String,
    pub category: Category,
    pub action: Action,
    pub code: ReasonCode,
    /// Which detector proposed it (`people.full`, `identifiers.phone`, `names.context`, ...).
    pub detector: &'static str,
    /// Key shared by every occurrence of the same thing (`person:P-10443`,
    /// `unknown:darren`, `phone:07700900123`), so one decision can apply to all.
    pub entity: String,
    pub confidence: f32,
}

/// Why a detector could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("subject {0} is not a person in the export; check the --subject id")]
    UnknownSubject(String),
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

/// The role a known person plays in this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Subject,
    Worker,
    ThirdParty,
    /// A third party whose name the policy lets the authority disclose (e.g. parents to a
    /// care leaver); their identifiers are still redacted.
    DisclosedRelative,
}

/// Builds what every detector shares and no export changes (the gazetteers, the identifier
/// patterns), so a caller can do it on another thread while it reads the export.
/// [`Detector::new`] builds them on first use otherwise.
pub fn warm_up() {
    // Two independent builds: on two cores when both are free (the export is read faster
    // than the word lists alone are built).
    rayon::join(
        gazetteer::Gazetteers::built_in,
        identifiers::Patterns::built_in,
    );
}

/// What the first pass finds in a text: its folding, its capitalised words, its known-name
/// and unknown-name hits, and where a judgement trigger may start.
struct FirstPass<'t> {
    folded: normalize::Folded<'t>,
    capitalised: Vec<(usize, &'t str)>,
    known: Vec<people::NameHit>,
    unknown: Vec<names::UnknownHit>,
    trigger_starts: Vec<usize>,
}

/// Built once per request: the dictionaries, the gazetteers and the policy.
pub struct Detector {
    people: Vec<Person>,
    roles: Vec<Role>,
    subject: usize,
    policy: Policy,
    known: people::KnownPeople,
    ids: identifiers::Identifiers,
    schools: identifiers::Schools,
    unknown: names::UnknownNames,
    flags: judgement::Judgement,
    /// Names found by context in the first pass of [`Detector::detect_all`].
    discovered: Option<names::Discovered>,
}

impl Detector {
    /// Builds the detector for one subject.
    pub fn new(
        people: Vec<Person>,
        relationships: &[Relationship],
        subject_id: &str,
        policy: Policy,
    ) -> Result<Detector, DetectError> {
        let subject = people
            .iter()
            .position(|p| p.id == subject_id)
            .ok_or_else(|| DetectError::UnknownSubject(subject_id.to_string()))?;
        let disclosed: HashMap<&str, ()> = relationships
            .iter()
            .filter(|r| r.from == subject_id && policy.discloses_relationship(&r.kind))
            .map(|r| (r.to.as_str(), ()))
            .collect();
        let roles = people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == subject {
                    Role::Subject
                } else if p.is_worker() {
                    Role::Worker
                } else if disclosed.contains_key(p.id.as_str()) {
                    Role::DisclosedRelative
                } else {
                    Role::ThirdParty
                }
            })
            .collect::<Vec<_>>();
        let gaz = gazetteer::Gazetteers::built_in();
        let (known, ids) = rayon::join(
            || people::KnownPeople::new(&people, &roles, subject, &gaz, &policy),
            || identifiers::Identifiers::new(&people, &roles),
        );
        let unknown = names::UnknownNames::new(gaz);
        let flags = judgement::Judgement::new();
        Ok(Detector {
            people,
            roles,
            subject,
            policy,
            known,
            ids,
            schools: identifiers::Schools::new(),
            unknown,
            flags,
            discovered: None,
        })
    }

    /// The subject as the export lists them.
    pub fn subject(&self) -> &Person {
        &self.people[self.subject]
    }

    /// Detects in one text on its own (names found by context in other texts are only used
    /// after [`Detector::detect_all`] or [`Detector::learn`]).
    pub fn detect(&self, text: &str) -> Vec<Proposal> {
        self.assemble(self.first_pass(text))
    }

    /// Folds a text and finds the known and unknown names in it. The folded text's words are
    /// walked once for every dictionary: each keeps the starts of the words its patterns
    /// begin with.
    fn first_pass<'t>(&self, text: &'t str) -> FirstPass<'t> {
        let folded = normalize::Folded::new(text);
        // Sized for a case note's rate of capitalised words (one in ~27 bytes) and of word
        // starts a dictionary holds, so most texts' vectors never grow.
        let mut capitalised: Vec<(usize, &str)> = Vec::with_capacity(text.len() / 24 + 8);
        capitalised.extend(people::capitalised_words(text));
        let mut known_starts = Vec::with_capacity(text.len() / 32 + 8);
        let mut trigger_starts = Vec::new();
        let flags = self.policy.flags;
        // Called for every word of every text: inlined into the walk.
        words::each_word(
            &folded.text,
            #[inline(always)]
            |start, end| {
                let hash = words::word_hash_in(folded.text.as_bytes(), start, end);
                if self.known.may_start(hash) {
                    known_starts.push(start);
                }
                if flags && self.flags.may_start(hash) {
                    trigger_starts.push(start);
                }
            },
        );
        let known = self.known.find_in(&folded, &capitalised, &known_starts);
        let unknown = self.unknown.find_in(text, &capitalised, &known);
        FirstPass {
            folded,
            capitalised,
            known,
            unknown,
            trigger_starts,
        }
    }

    /// Learns the names of unknown people found by context in `texts`, so that every later
    /// [`Detector::detect`] proposes each of their occurrences.
    pub fn learn<'t>(&mut self, texts: impl IntoParallelIterator<Item = &'t str>) {
        let found: Vec<Vec<names::UnknownHit>> = texts
            .into_par_iter()
            .map(|text| self.first_pass(text).unknown)
            .collect();
        self.remember(found.iter().flatten());
    }

    /// The names learnt so far (folded forms, sorted): what a detector working on another
    /// batch of the same request needs, through [`Detector::add_learnt_names`], to propose
    /// exactly what [`Detector::detect_all`] over the whole request would.
    pub fn learnt_names(&self) -> Vec<String> {
        self.discovered
            .as_ref()
            .map(names::Discovered::names)
            .unwrap_or_default()
    }

    /// Adds names learnt elsewhere (from [`Detector::learnt_names`]).
    pub fn add_learnt_names(&mut self, learnt: impl IntoIterator<Item = String>) {
        let mut discovered = self.discovered.take().unwrap_or_default();
        discovered.add_names(learnt);
        self.discovered = discovered.build();
    }

    fn remember<'h>(&mut self, hits: impl Iterator<Item = &'h names::UnknownHit>) {
        let mut discovered = self.discovered.take().unwrap_or_default();
        discovered.extend(hits, &self.unknown, &self.known);
        self.discovered = discovered.build();
    }

    /// Two passes over every text of a request: learn the unknown names, then detect in
    /// each text. Results are in the order of `texts`.
    pub fn detect_all(&mut self, texts: &[&str]) -> Vec<Vec<Proposal>> {
        self.detect_all_then(texts, |_, proposals| proposals)
    }

    /// [`Detector::detect_all`], handing each text's proposals to `then` (with the text's
    /// index) on the thread that found them: a caller that writes them out does so while
    /// other texts are still being read, and never holds every proposal at once.
    pub fn detect_all_then<T: Send>(
        &mut self,
        texts: &[&str],
        then: impl Fn(usize, Vec<Proposal>) -> T + Sync,
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(texts.len());
        let done: Result<(), std::convert::Infallible> =
            self.detect_all_streamed(texts, usize::MAX, then, |batch| {
                out.extend(batch);
                Ok(())
            });
        let Ok(()) = done;
        out
    }

    /// [`Detector::detect_all_then`], `batch` texts at a time: each batch's results go to
    /// `sink` in order as soon as they are ready, so a writer holds one batch's output at a
    /// time (and its memory is reused for the next) rather than the whole request's. A batch
    /// is handed to `sink` while the next one is being detected, so neither core waits for
    /// the writing. An error from `sink` stops detection and is returned.
    pub fn detect_all_streamed<T: Send, E: Send>(
        &mut self,
        texts: &[&str],
        batch: usize,
        then: impl Fn(usize, Vec<Proposal>) -> T + Sync,
        mut sink: impl FnMut(Vec<T>) -> Result<(), E> + Send,
    ) -> Result<(), E> {
        // Pass 1 keeps its folding and matches, so pass 2 only adds the learnt names and
        // the other detectors.
        let first: Vec<FirstPass<'_>> =
            texts.par_iter().map(|text| self.first_pass(text)).collect();
        self.remember(first.iter().flat_map(|pass| pass.unknown.iter()));
        let this = &*self;
        let mut passes = first.into_iter().enumerate();
        let mut ready: Option<Vec<T>> = None;
        loop {
            let chunk: Vec<(usize, FirstPass<'_>)> = passes.by_ref().take(batch.max(1)).collect();
            if chunk.is_empty() {
                return ready.map_or(Ok(()), &mut sink);
            }
            let (written, results) = rayon::join(
                || ready.take().map_or(Ok(()), &mut sink),
                || {
                    chunk
                        .into_par_iter()
                        .map(|(i, pass)| then(i, this.assemble(pass)))
                        .collect::<Vec<T>>()
                },
            );
            written?;
            ready = Some(results);
        }
    }

    fn assemble(&self, pass: FirstPass<'_>) -> Vec<Proposal> {
        let FirstPass {
            folded,
            capitalised,
            known: people_hits,
            unknown,
            trigger_starts,
        } = pass;
        let text = folded.original();
        // Names' proposals, and room for a few identifiers and flags.
        let mut out: Vec<Proposal> = Vec::with_capacity(people_hits.len() + unknown.len() + 8);
        let evidenced = self.known.evidenced(&people_hits);
        for hit in &people_hits {
            if let Some(p) = self.known.proposal(
                hit,
                &evidenced,
                text,
                &self.people,
                &self.roles,
                &self.policy,
            ) {
                out.push(p);
            }
        }
        for hit in unknown {
            out.push(self.unknown.proposal(&hit, text, &self.policy));
        }
        if let Some(d) = &self.discovered {
            out.extend(d.find(
                &folded,
                &capitalised,
                &people_hits,
                &self.unknown,
                &self.policy,
            ));
        }
        let mut tp_names: Vec<(usize, usize, &str)> = out
            .iter()
            .filter(|p| p.category == Category::ThirdPartyName && p.action == Action::Redact)
            .map(|p| (p.start, p.end, p.entity.as_str()))
            .collect();
        tp_names.sort_unstable();
        let schools = self.schools.find(text, &tp_names);
        out.extend(schools);
        out.extend(self.ids.find(text, &self.policy));
        if self.policy.flags {
            out.extend(self.flags.find_at(&folded, &trigger_starts));
        }
        self.policy.apply_terms(&folded, &mut out);
        resolve_overlaps(out)
    }
}

/// Sorts proposals and drops those wholly inside a stronger one (a name inside an address,
/// the same name found twice), keeping flags apart: a flag never hides a redaction.
fn resolve_overlaps(mut props: Vec<Proposal>) -> Vec<Proposal> {
    props.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Proposal> = Vec::with_capacity(props.len());
    for p in props {
        let covered = out.iter().rev().take(8).any(|q| {
            q.start <= p.start
                && p.end <= q.end
                && (q.action == Action::Flag) == (p.action == Action::Flag)
                && (q.action != Action::Keep || p.action == Action::Keep)
        });
        if !covered {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod names_tests {
    use super::*;

    #[test]
    fn as_str_is_the_serialised_name() {
        let quoted = |s: &str| format!("\"{s}\"");
        for c in [
            Category::ThirdPartyName,
            Category::ThirdPartyIdentifier,
            Category::Referrer,
            Category::Judgement,
        ] {
            assert_eq!(serde_json::to_string(&c).unwrap(), quoted(c.as_str()));
        }
        for a in [Action::Redact, Action::Review, Action::Flag, Action::Keep] {
            assert_eq!(serde_json::to_string(&a).unwrap(), quoted(a.as_str()));
        }
        use ReasonCode::*;
        for r in [TP, CS, SH, EW, HE, CR, LP, CO, AD, NR] {
            assert_eq!(serde_json::to_string(&r).unwrap(), quoted(r.as_str()));
            assert_eq!(r.to_string(), r.as_str());
        }
    }
}
