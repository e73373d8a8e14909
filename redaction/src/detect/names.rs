//! People the export does not know: mum's new partner, a neighbour, a friend, another child
//! in placement, an anonymous referrer.
//!
//! A capitalised word is a candidate name when it is a given name in the gazetteer (ONS
//! data), a title precedes it ("Mrs Pearce"), or context says so: a relationship word or cue
//! before it ("her friend Keira", "referral from Colin"), a bracketed relationship after it
//! ("Darren (mum's partner)"). Given names that are ordinary words count only capitalised
//! mid-sentence, and lookalikes (Will, May, Summer, Victoria, Shirley) only with context. A
//! word right before an organisation or street word ("Victoria Road", "Shirley Health
//! Centre") is never a name, nor is a name after a professional title ("Dr Khan", "PC
//! Ward": people named in role). A candidate takes the capitalised words after it as its
//! surname ("Simon Iqbal").
//!
//! [`Discovered`] then carries the names found this way across the whole request, so every
//! other occurrence is proposed too (not lookalikes: "her friend Will" does not make every
//! "Will" a name).

use std::collections::HashSet;
use std::sync::Arc;

use super::gazetteer::{Classes, Gazetteers, last_word, lower_into, with_lower};
use super::normalize::{Folded, fold_pattern};
use super::people::{
    KnownPeople, NameHit, at_sentence_start, capitalised_words, followed_like_a_name, next_word,
};
use super::policy::Policy;
use super::words::{self, Phrases};
use super::{Category, Proposal, ReasonCode};

/// A name of someone the export does not list.
#[derive(Debug, Clone)]
pub struct UnknownHit {
    pub start: usize,
    pub end: usize,
    /// The name identifies a source of information (referrer, informant): code CS.
    pub source: bool,
    /// Strong enough to propose every other occurrence of the same name.
    pub strong: bool,
    /// Folded forms to propagate: the whole name and its given name.
    forms: Vec<String>,
    detector: &'static str,
}

/// The unknown-name detector.
pub struct UnknownNames {
    gaz: Arc<Gazetteers>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Evidence {
    None,
    Gazetteer,
    Context { source: bool },
    Title,
}

impl UnknownNames {
    pub fn new(gaz: Arc<Gazetteers>) -> UnknownNames {
        UnknownNames { gaz }
    }

    /// Candidate names in `text`, leaving out what known-people matching already covered.
    pub fn find(&self, text: &str, known: &[NameHit]) -> Vec<UnknownHit> {
        let words: Vec<(usize, &str)> = capitalised_words(text).collect();
        self.find_in(text, &words, known)
    }

    /// [`UnknownNames::find`], given the text's capitalised words.
    pub(crate) fn find_in(
        &self,
        text: &str,
        words: &[(usize, &str)],
        known: &[NameHit],
    ) -> Vec<UnknownHit> {
        let overlaps_known = |s: usize, e: usize| {
            let i = known.partition_point(|h| h.end <= s);
            known.get(i).is_some_and(|h| h.start < e)
        };
        let mut lower = String::new(); // reused for every word
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (start, word) = words[i];
            let end = start + word.len();
            i += 1;
            if word.len() < 2 || overlaps_known(start, end) {
                continue;
            }
            let classes = self.gaz.classes_of(word);
            if classes.any(Classes::PROFESSIONAL_TITLE) {
                // "Dr Khan", "PC Ward": a professional named in role; skip their name.
                while i < words.len() && adjacent(text, end_of(words[i - 1]), words[i].0) {
                    i += 1;
                }
                continue;
            }
            let (evidence, name_start) = if classes.any(Classes::TITLE) {
                match words.get(i) {
                    Some(&(s2, w2))
                        if adjacent(text, end, s2)
                            && self.could_be_surname(w2)
                            && !overlaps_known(s2, s2 + w2.len()) =>
                    {
                        (Evidence::Title, start)
                    }
                    _ => continue,
                }
            } else {
                (self.evidence(text, start, end, classes), start)
            };
            if evidence == Evidence::None {
                continue;
            }
            if self.in_org_name(text, words, i - 1) || self.in_place_context(text, start, classes) {
                continue;
            }
            // Take following capitalised words as the rest of the name.
            let mut name_end = end;
            let mut last_word = word;
            if evidence == Evidence::Title {
                name_end = end_of(words[i]);
                last_word = words[i].1;
                i += 1;
            }
            while let Some(&(s2, w2)) = words.get(i) {
                let joined = adjacent(text, name_end, s2) || text[name_end..s2] == *"-";
                if !joined || !self.could_be_surname(w2) || overlaps_known(s2, s2 + w2.len()) {
                    break;
                }
                if self.before_org_word(text, s2 + w2.len()) {
                    break;
                }
                name_end = s2 + w2.len();
                last_word = w2;
                i += 1;
            }
            let _ = last_word;
            let source = matches!(evidence, Evidence::Context { source: true });
            let lookalike = classes.any(LOOKALIKE_OR_PLACE);
            let strong = match evidence {
                Evidence::Gazetteer => true,
                Evidence::Context { .. } => !lookalike || name_end > end,
                Evidence::Title => true,
                Evidence::None => false,
            };
            let whole = fold_pattern(&text[name_start..name_end]);
            let mut forms = vec![whole.clone()];
            if evidence != Evidence::Title && name_end > end && !lookalike {
                lower_into(&mut lower, word);
                forms.push(lower.clone());
            }
            let detector = match evidence {
                Evidence::Gazetteer => "names.gazetteer",
                Evidence::Title => "names.title",
                _ => "names.context",
            };
            out.push(UnknownHit {
                start: name_start,
                end: name_end,
                source,
                strong,
                forms,
                detector,
            });
        }
        out
    }

    /// Why a capitalised word (on the lists `classes`) is a name, if it is one.
    fn evidence(&self, text: &str, start: usize, end: usize, classes: Classes) -> Evidence {
        // Each test is made only where its answer is used: most capitalised words are on no
        // list and have no context, and are passed over after the first two.
        let org = classes.any(Classes::ORG);
        if !org
            && !classes.any(Classes::RELATIONSHIP)
            && let Some(source) = self.context_before(text, start)
        {
            return Evidence::Context { source };
        }
        if !org && self.bracketed_relationship_after(text, end) {
            return Evidence::Context { source: false };
        }
        if classes.any(Classes::TITLE.with(Classes::PROFESSIONAL_TITLE)) {
            return Evidence::None;
        }
        let all_caps = || text[start..end].chars().all(|c| !c.is_lowercase());
        let is_name = classes.any(Classes::FIRST_NAME.with(Classes::COMMON_WORD_NAME));
        if classes.any(LOOKALIKE_OR_PLACE) {
            // "Mark said" names someone; "Will speak" and "Summer term" do not.
            let strong_follow = next_word(text, end).is_some_and(|w| {
                ["said", "says", "told", "rang", "asked", "reported"].contains(&w)
            });
            return if strong_follow && !all_caps() && is_name {
                Evidence::Context { source: false }
            } else {
                Evidence::None
            };
        }
        if classes.any(Classes::FIRST_NAME) {
            return Evidence::Gazetteer;
        }
        // A word-like surname followed by a number labels something ("Page 3", "Room 4",
        // "Hall 2"): not a person.
        let numbered =
            || next_word(text, end).is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
        if classes.any(Classes::COMMON_WORD_NAME)
            && !all_caps()
            && !numbered()
            && (!at_sentence_start(text, start) || followed_like_a_name(text, end))
        {
            return Evidence::Gazetteer;
        }
        Evidence::None
    }

    /// A cue or relationship word right before `start` ("her friend ", "referral from ").
    fn context_before(&self, text: &str, start: usize) -> Option<bool> {
        // The 41 characters before the word (41 bytes, when they are ASCII).
        let ascii_from = start.saturating_sub(41);
        let from = if text.as_bytes()[ascii_from..start].is_ascii() {
            ascii_from
        } else {
            text[..start]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(i, _)| i)
        };
        let window = &text[from..start];
        let before = window.trim_end_matches([' ', ',', ':', '\t']);
        if before.len() == window.len() && !before.is_empty() {
            return None; // the word is glued to what precedes it
        }
        if window.is_ascii() {
            // ASCII (nearly always): a cue is compared with the window's tail ignoring ASCII
            // case, which is comparing it with the lower-cased window, without lower-casing
            // it. Nearly always no cue ends with the word before (a cue that does not end in
            // a word cannot match a text that does): then only a relationship word can be
            // the context.
            let ends_in_word = before.ends_with(|c: char| c.is_ascii_alphanumeric());
            let last = last_word(before);
            if ends_in_word
                && !self.gaz.may_end_a_cue(
                    before.as_bytes(),
                    before.len() - last.len(),
                    before.len(),
                )
            {
                return self.relationship_before(before);
            }
            let cue = with_lower(last, |last| {
                if ends_in_word && !self.gaz.has_cues_ending_with(last) {
                    return None;
                }
                self.gaz
                    .cues_ending_with(last)
                    .find(|(cue, _)| ends_with_word_ignoring_ascii_case(before, cue))
                    .map(|&(_, source)| source)
            });
            return cue.or_else(|| self.relationship_before(before));
        }
        with_lower(window, |before| {
            let before = before.trim_end_matches([' ', ',', ':', '\t']);
            if before.len() == window.len() && !before.is_empty() {
                return None; // the word is glued to what precedes it
            }
            for (cue, source) in self.gaz.cues_ending_with(last_word(before)) {
                if ends_with_word(before, cue) {
                    return Some(*source);
                }
            }
            self.relationship_before(before)
        })
    }

    /// `Some(false)` when the last word of `before` (hyphens and apostrophes kept, a
    /// possessive dropped) is a relationship word ("mum's", "step-dad").
    fn relationship_before(&self, before: &str) -> Option<bool> {
        if before.is_ascii() {
            // The last run of letters, digits, hyphens and apostrophes, less any "'s", read
            // as bytes; a filter passes over nearly every word that is not one.
            let bytes = before.as_bytes();
            let mut start = bytes.len();
            while start > 0
                && matches!(bytes[start - 1], b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' | b'-' | b'\'')
            {
                start -= 1;
            }
            let mut end = bytes.len();
            while end - start >= 2 && bytes[end - 2] == b'\'' && (bytes[end - 1] | 0x20) == b's' {
                end -= 2;
            }
            if !self.gaz.may_be_relationship(bytes, start, end) {
                return None;
            }
            return with_lower(&before[start..end], |last| {
                self.gaz.relationship_words.contains(last).then_some(false)
            });
        }
        let last = before
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .next()?;
        with_lower(last, |mut last| {
            while let Some(stem) = last.strip_suffix("'s") {
                last = stem; // as `trim_end_matches("'s")`, without building a searcher
            }
            self.gaz.relationship_words.contains(last).then_some(false)
        })
    }

    /// "Darren (mum's partner)", "Keira (friend)".
    fn bracketed_relationship_after(&self, text: &str, end: usize) -> bool {
        let mut rest = &text[end..];
        while let Some(after) = rest.strip_prefix("'s") {
            rest = after; // as `trim_start_matches("'s")`, without building a searcher
        }
        let Some(inner) = rest.trim_start().strip_prefix('(') else {
            return false;
        };
        // Up to the closing bracket, within 40 bytes (searched there only).
        let mut limit = inner.len().min(40);
        while !inner.is_char_boundary(limit) {
            limit -= 1;
        }
        let inner = &inner[..limit];
        let inner = &inner[..inner.find(')').unwrap_or(inner.len())];
        inner
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .any(|w| with_lower(w, |w| self.gaz.relationship_words.contains(w)))
    }

    /// The capitalised run from word `at` on ends in an organisation or street word ("Abbey
    /// Court Special School"), or a saint's name starts it ("St Mary's Island Surgery").
    fn in_org_name(&self, text: &str, words: &[(usize, &str)], at: usize) -> bool {
        let (start, _) = words[at];
        let before = text[..start].trim_end();
        if ["St", "St.", "Saint", "Mount", "Port", "Fort", "Lake"]
            .iter()
            .any(|p| ends_with_word(before, p))
        {
            return true;
        }
        let mut end = end_of(words[at]);
        if self.before_org_word(text, end) {
            return true;
        }
        for &(s, w) in &words[at + 1..] {
            let gap = &text[end..s];
            if !(gap == " " || gap == "'s " || gap == "-") {
                break;
            }
            if with_lower(w, |w| self.gaz.org_words.contains(w)) {
                return true;
            }
            end = s + w.len();
        }
        false
    }

    fn before_org_word(&self, text: &str, end: usize) -> bool {
        next_word(text, end).is_some_and(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && with_lower(w, |w| self.gaz.org_words.contains(w))
        })
    }

    /// "in Shirley", "at Chelsea": a place after a place preposition.
    fn in_place_context(&self, text: &str, start: usize, classes: Classes) -> bool {
        if !classes.any(Classes::PLACE) {
            return false;
        }
        // The longest preposition and the character before it lie in the last 16
        // characters: lower-case those, not the whole text before the word.
        let before = text[..start].trim_end();
        let from = before.char_indices().rev().nth(15).map_or(0, |(i, _)| i);
        let before = before[from..].to_lowercase();
        ["in", "at", "near", "from", "to", "around", "outside", "of"]
            .iter()
            .any(|p| ends_with_word(&before, p))
    }

    fn could_be_surname(&self, word: &str) -> bool {
        const NOT_A_SURNAME: Classes = Classes::ORG
            .with(Classes::TITLE)
            .with(Classes::PROFESSIONAL_TITLE)
            .with(Classes::RELATIONSHIP)
            .with(Classes::LOOKALIKE)
            .with(Classes::COMMON_WORD_NAME);
        word.len() >= 2
            && word.chars().skip(1).any(char::is_lowercase)
            && with_lower(word, |lower| {
                !self.gaz.classes(lower).any(NOT_A_SURNAME) && !STOP_CAPITALISED.contains(&lower)
            })
    }

    pub(crate) fn proposal(&self, hit: &UnknownHit, text: &str, policy: &Policy) -> Proposal {
        let (category, code, action) = if hit.source {
            (Category::Referrer, ReasonCode::CS, policy.referrer)
        } else {
            (Category::ThirdPartyName, ReasonCode::TP, policy.third_party)
        };
        Proposal {
            start: hit.start,
            end: hit.end,
            text: text[hit.start..hit.end].to_string(),
            category,
            action,
            code,
            detector: hit.detector,
            entity: format!("unknown:{}", hit.forms[0]),
            confidence: if hit.strong { 0.8 } else { 0.6 },
        }
    }
}

const LOOKALIKE_OR_PLACE: Classes = Classes::LOOKALIKE.with(Classes::PLACE);

/// Capitalised words that start sentences or headings and never continue a name.
const STOP_CAPITALISED: &[&str] = &[
    "i",
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "she",
    "he",
    "they",
    "we",
    "it",
    "his",
    "her",
    "their",
    "this",
    "that",
    "there",
    "then",
    "when",
    "where",
    "who",
    "what",
    "why",
    "how",
    "if",
    "as",
    "at",
    "in",
    "on",
    "to",
    "from",
    "with",
    "by",
    "for",
    "of",
    "said",
    "says",
    "was",
    "is",
    "has",
    "had",
    "did",
    "does",
    "not",
    "no",
    "yes",
    "also",
    "later",
    "today",
    "tomorrow",
    "yesterday",
    "after",
    "before",
    "during",
    "while",
    "present",
    "seen",
    "visit",
    "visited",
    "actions",
    "action",
    "agreed",
    "plan",
    "review",
    "school",
    "police",
];

fn end_of((start, word): (usize, &str)) -> usize {
    start + word.len()
}

/// Two words separated by exactly one space (or a space after a full stop of an initial).
fn adjacent(text: &str, end: usize, next_start: usize) -> bool {
    next_start > end && matches!(&text[end..next_start], " " | ". ")
}

/// [`ends_with_word`] of the lower-cased `haystack`, for an ASCII haystack and a lower-case
/// `word`.
fn ends_with_word_ignoring_ascii_case(haystack: &str, word: &str) -> bool {
    let Some(at) = haystack.len().checked_sub(word.len()) else {
        return false;
    };
    haystack.as_bytes()[at..].eq_ignore_ascii_case(word.as_bytes())
        && haystack.is_char_boundary(at)
        && haystack[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

fn ends_with_word(haystack: &str, word: &str) -> bool {
    haystack.ends_with(word)
        && haystack[..haystack.len() - word.len()]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// Unknown names learnt across a request, proposed wherever they occur.
#[derive(Default)]
pub struct Discovered {
    names: HashSet<String>,
    dictionary: Option<Learnt>,
}

/// The learnt names (sorted) and their dictionary.
struct Learnt {
    phrases: Phrases,
    list: Vec<String>,
}

impl Discovered {
    /// Adds the strong hits' names, except those the known-people dictionary owns.
    pub(crate) fn extend<'h>(
        &mut self,
        hits: impl Iterator<Item = &'h UnknownHit>,
        _unknown: &UnknownNames,
        known: &KnownPeople,
    ) {
        for hit in hits.filter(|h| h.strong) {
            for form in &hit.forms {
                if !known.has_pattern(form) {
                    self.names.insert(form.clone());
                }
            }
        }
    }

    /// The learnt names, sorted.
    pub(crate) fn names(&self) -> Vec<String> {
        let mut list: Vec<String> = self.names.iter().cloned().collect();
        list.sort();
        list
    }

    /// Adds names learnt by another detector of the same request (already filtered).
    pub(crate) fn add_names(&mut self, names: impl IntoIterator<Item = String>) {
        self.names.extend(names);
    }

    /// Builds the dictionary; `None` when nothing was learnt.
    pub(crate) fn build(mut self) -> Option<Discovered> {
        if self.names.is_empty() {
            return None;
        }
        let mut list: Vec<String> = self.names.iter().cloned().collect();
        list.sort();
        let phrases = Phrases::new(list.iter().map(String::as_str));
        self.dictionary = Some(Learnt { phrases, list });
        Some(self)
    }

    /// Every capitalised whole-word occurrence of a learnt name outside the known hits, given
    /// the text's [`capitalised_words`] (a learnt name counts only capitalised, so only those
    /// words can start one).
    pub(crate) fn find(
        &self,
        folded: &Folded<'_>,
        capitalised: &[(usize, &str)],
        known: &[NameHit],
        unknown: &UnknownNames,
        policy: &Policy,
    ) -> Vec<Proposal> {
        let Some(Learnt { phrases, list }) = &self.dictionary else {
            return Vec::new();
        };
        let text = folded.original();
        let folded_bytes = folded.text.as_bytes();
        // An ASCII word with no letter or digit right after it folds to itself in lower
        // case: most words are passed over on the hash of their original, and only the
        // rest are looked for in the folded text.
        let bytes = text.as_bytes();
        let candidates = capitalised.iter().filter_map(|&(at, word)| {
            let end = at + word.len();
            let simple = word.is_ascii()
                && bytes
                    .get(end)
                    .is_none_or(|&b| b < 0x80 && !b.is_ascii_alphanumeric());
            let passes = !simple || phrases.may_start(words::ascii_lower_hash_in(bytes, at, end));
            passes.then_some(at)
        });
        let starts = folded.folded_offsets(candidates).filter(|&start| {
            let end = words::word_at(&folded.text, start);
            end > start && phrases.may_start(words::word_hash_in(folded_bytes, start, end))
        });
        let mut out = Vec::new();
        for m in phrases.matches(&folded.text, starts) {
            let (start, end) = folded.original_range(m.start, m.end);
            if !text[start..end]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
            {
                continue;
            }
            let i = known.partition_point(|h| h.end <= start);
            if known.get(i).is_some_and(|h| h.start < end) || unknown.before_org_word(text, end) {
                continue;
            }
            out.push(Proposal {
                start,
                end,
                text: text[start..end].to_string(),
                category: Category::ThirdPartyName,
                action: policy.third_party,
                code: ReasonCode::TP,
                detector: "names.learnt",
                entity: format!("unknown:{}", list[m.phrase]),
                confidence: 0.75,
            });
        }
        out
    }
}
