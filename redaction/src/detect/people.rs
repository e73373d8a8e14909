//! The known-people dictionary: every name the export holds, with the variants real
//! recording uses, matched as whole words over the folded text (one [`Phrases`] dictionary
//! of every name at once, looked up at the word starts its first words pass).
//!
//! Variants: the full name, first + last name, given name, surname, each part of a hyphenated
//! or double-barrelled surname, every alias (and its words), title + surname ("Mrs Reid",
//! "Ms K Reid"), initial + surname ("K. Reid"), possessives ("Karen's": the apostrophe is a
//! word boundary), any case, names broken across lines or spaced out (folding collapses
//! whitespace), and near-misspellings (edit distance 1) of names of five letters or more.
//!
//! Roles decide the action (see [`KnownPeople::proposal`]): the subject and workers are kept,
//! every other citizen is redacted (TP); a name shared by the subject or a worker and a third
//! party goes to a reviewer, except a surname shared with the subject (a family name), which
//! is kept unless a title points at the third party.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, OnceLock};

use super::gazetteer::{Classes, Gazetteers, WordHasher, WordMap, lower_into, with_lower};
use super::normalize::{Folded, fold_pattern, swar};
use super::policy::Policy;
use super::words::{self, FirstWords, Phrases};
use super::{Action, Category, Person, Proposal, ReasonCode, Role};

/// How a dictionary entry relates to its person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Full,
    Alias,
    First,
    Surname,
}

#[derive(Debug)]
struct Entry {
    /// Folded pattern.
    pattern: String,
    owners: Vec<(usize, Form)>,
    /// One word: must be capitalised in the text to count.
    single_word: bool,
    /// The word is also an ordinary word or a lookalike ("Will", "Rose", "Young").
    wordlike: bool,
    /// What the owners' roles make of the entry, worked out once rather than per hit.
    roles: EntryRoles,
}

/// An entry's owners by role, and the entity key of a plain third-party hit.
#[derive(Debug, Default)]
struct EntryRoles {
    /// Owners who are third parties, in owner order.
    third: Vec<usize>,
    has_worker: bool,
    /// How the subject owns the entry, if they do.
    subject_form: Option<Form>,
    /// `person:ID` when one third party owns the entry, else `name:PATTERN`.
    entity: String,
}

/// One occurrence of a dictionary entry.
#[derive(Debug, Clone)]
pub struct NameHit {
    /// Original byte range, including a title or initial in front.
    pub start: usize,
    pub end: usize,
    entry: usize,
    /// The title in front, lower case, if any.
    title: Option<&'static str>,
    fuzzy: bool,
}

/// The dictionary of one export's people for one request.
pub struct KnownPeople {
    entries: Vec<Entry>,
    /// Folded pattern -> entry.
    index: WordMap<usize>,
    /// Every entry's pattern, by entry index: looked up at the word starts whose word an
    /// entry begins with.
    phrases: Phrases,
    /// Symmetric-deletion index over single-word entries of 5+ letters: variant -> entries.
    deletions: WordMap<Vec<usize>>,
    /// The index's keys, to pass over most variants without a lookup.
    deletion_keys: FirstWords,
    gaz: Arc<Gazetteers>,
}

const TITLES: [(&str, Option<bool>); 6] = [
    ("mrs", Some(false)),
    ("miss", Some(false)),
    ("ms", Some(false)),
    ("mr", Some(true)),
    ("master", Some(true)),
    ("mx", None),
];

fn deletion_variants(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

/// Optimal-string-alignment distance, capped: true when `a` and `b` differ by at most one
/// insertion, deletion, substitution or adjacent transposition.
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let tails_equal = |x: &[char], y: &[char]| x == y;
    match (ra.len(), rb.len()) {
        (0, 0) => true,
        (la, lb) if la == lb => {
            tails_equal(&ra[1..], &rb[1..])
                || (la >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && tails_equal(&ra[2..], &rb[2..]))
        }
        (la, lb) if la > lb => tails_equal(&ra[1..], rb),
        _ => tails_equal(ra, &rb[1..]),
    }
}

impl KnownPeople {
    pub(crate) fn new(
        people: &[Person],
        roles: &[Role],
        subject: usize,
        gaz: &Arc<Gazetteers>,
        policy: &Policy,
    ) -> KnownPeople {
        let mut index: WordMap<usize> = WordMap::default();
        let mut entries: Vec<Entry> = Vec::new();
        let mut add = |raw: &str, person: usize, form: Form| {
            let pattern = fold_pattern(raw.trim_matches(|c: char| !c.is_alphanumeric()));
            if pattern.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                return;
            }
            if policy.is_never_redact(&pattern) {
                return;
            }
            let id = *index.entry(pattern.clone()).or_insert_with(|| {
                let single_word = !pattern.contains(' ');
                // Only the curated lookalikes: a dictionary word that is also a listed
                // person's name ("Harry") is that person at a sentence start too.
                let wordlike = single_word
                    && (gaz.lookalikes.contains(&pattern)
                        || gaz.places.contains(&pattern)
                        || gaz.org_words.contains(&pattern));
                entries.push(Entry {
                    pattern: pattern.clone(),
                    owners: Vec::new(),
                    single_word,
                    wordlike,
                    roles: EntryRoles::default(),
                });
                entries.len() - 1
            });
            if !entries[id].owners.iter().any(|&(p, _)| p == person) {
                entries[id].owners.push((person, form));
            }
        };
        for (i, person) in people.iter().enumerate() {
            let mut names = vec![(person.name.as_str(), Form::Full)];
            names.extend(person.aliases.iter().map(|a| (a.as_str(), Form::Alias)));
            for (name, form) in names {
                let words: Vec<&str> = name.split_whitespace().collect();
                if words.is_empty() {
                    continue;
                }
                add(name, i, form);
                if name.contains('-') {
                    add(&name.replace('-', " "), i, form);
                }
                if words.len() == 1 {
                    continue;
                }
                if words.len() > 2 {
                    add(&format!("{} {}", words[0], words[words.len() - 1]), i, form);
                }
                add(words[0], i, Form::First);
                for middle in &words[1..words.len() - 1] {
                    add(middle, i, Form::First);
                }
                let last = words[words.len() - 1];
                add(last, i, Form::Surname);
                for part in last
                    .split('-')
                    .filter(|p| p.len() >= 3 && last.contains('-'))
                {
                    add(part, i, Form::Surname);
                }
            }
        }
        for e in &mut entries {
            let third: Vec<usize> = e
                .owners
                .iter()
                .filter(|&&(p, _)| roles[p] == Role::ThirdParty)
                .map(|&(p, _)| p)
                .collect();
            let entity = match third.as_slice() {
                [one] => format!("person:{}", people[*one].id),
                _ => format!("name:{}", e.pattern),
            };
            e.roles = EntryRoles {
                has_worker: e.owners.iter().any(|&(p, _)| roles[p] == Role::Worker),
                subject_form: e
                    .owners
                    .iter()
                    .find(|&&(p, _)| p == subject)
                    .map(|&(_, f)| f),
                third,
                entity,
            };
        }
        // The phrase dictionary and the misspelling index are independent: built on two
        // cores.
        let build_phrases = || Phrases::new(entries.iter().map(|e| e.pattern.as_str()));
        let build_deletions = || {
            let mut deletions: WordMap<Vec<usize>> = WordMap::default();
            for (id, e) in entries.iter().enumerate() {
                if e.single_word && e.pattern.chars().count() >= policy.fuzzy_min_len && !e.wordlike
                {
                    let mut keys = deletion_variants(&e.pattern);
                    keys.push(e.pattern.clone());
                    for k in keys {
                        let v = deletions.entry(k).or_default();
                        if !v.contains(&id) {
                            v.push(id);
                        }
                    }
                }
            }
            deletions
        };
        let (phrases, (deletions, deletion_keys)) = rayon::join(build_phrases, || {
            let deletions = build_deletions();
            let keys = FirstWords::of_words(deletions.keys().map(String::as_str));
            (deletions, keys)
        });
        KnownPeople {
            entries,
            index,
            phrases,
            deletions,
            deletion_keys,
            gaz: gaz.clone(),
        }
    }

    /// Whether a folded name is in the dictionary.
    pub fn has_pattern(&self, folded: &str) -> bool {
        self.index.contains_key(folded)
    }

    /// Every occurrence of a known name in a folded text, leftmost-longest, whole words.
    pub fn find(&self, folded: &Folded<'_>) -> Vec<NameHit> {
        let words: Vec<(usize, &str)> = capitalised_words(folded.original()).collect();
        let starts = words::starts_where(&folded.text, |hash| self.may_start(hash));
        self.find_in(folded, &words, &starts)
    }

    /// Whether an entry may begin with the folded word of this [`words::word_hash`].
    #[inline]
    pub(crate) fn may_start(&self, hash: u64) -> bool {
        self.phrases.may_start(hash)
    }

    /// [`KnownPeople::find`], given the text's [`capitalised_words`] (which the unknown-name
    /// pass needs too, so a text is split into words once) and the folded text's word starts
    /// that pass [`KnownPeople::may_start`].
    pub(crate) fn find_in(
        &self,
        folded: &Folded<'_>,
        words: &[(usize, &str)],
        starts: &[usize],
    ) -> Vec<NameHit> {
        let mut hits = Vec::with_capacity(starts.len() / 2 + 4);
        let text = folded.original();
        for m in self.phrases.matches(&folded.text, starts.iter().copied()) {
            let entry = &self.entries[m.phrase];
            let (start, end) = folded.original_range(m.start, m.end);
            if entry.single_word && !self.plausible_single(text, start, end, entry.wordlike) {
                continue;
            }
            hits.push(self.with_title(text, start, end, m.phrase, false));
        }
        if !self.deletions.is_empty() {
            self.find_misspellings(text, words, &mut hits);
        }
        hits
    }

    /// A one-word name counts only capitalised, not as part of a place or organisation name
    /// ("Victoria Road"), and, for words that are also ordinary words, not at a sentence start.
    fn plausible_single(&self, text: &str, start: usize, end: usize, wordlike: bool) -> bool {
        let Some(first) = text[start..end].chars().next() else {
            return false;
        };
        if !first.is_uppercase() {
            return false;
        }
        if let Some(next) = next_word(text, end)
            && with_lower(next, |next| self.gaz.org_words.contains(next))
            && starts_upper(next)
        {
            return false;
        }
        if wordlike {
            let all_caps = text[start..end].chars().all(|c| !c.is_lowercase());
            if all_caps || (at_sentence_start(text, start) && !followed_like_a_name(text, end)) {
                return false;
            }
        }
        true
    }

    /// Extends a hit back over "Mrs ", "Ms K ", "K. " in front of it.
    fn with_title(
        &self,
        text: &str,
        start: usize,
        end: usize,
        entry: usize,
        fuzzy: bool,
    ) -> NameHit {
        let mut s = start;
        let mut title = None;
        let mut before = prev_word(text, s);
        // An initial: "K. Reid", "K Reid".
        if let Some((w_start, word)) = before
            && word.len() == 1
            && word.chars().all(|c| c.is_ascii_uppercase())
        {
            s = w_start;
            before = prev_word(text, s);
        }
        // Every title is two to six letters and starts with an M.
        if let Some((w_start, word)) = before
            && (2..=6).contains(&word.len())
            && word.as_bytes()[0].eq_ignore_ascii_case(&b'm')
        {
            let found = with_lower(word, |lower| TITLES.iter().find(|(t, _)| *t == lower));
            if let Some(&(t, _)) = found {
                s = w_start;
                title = Some(t);
            }
        }
        if s != start
            && self.entries[entry]
                .owners
                .iter()
                .all(|&(_, f)| f == Form::First)
        {
            // "K. Karen" or "Mrs Karen" is unusual; keep the name alone.
            s = start;
            title = None;
        }
        NameHit {
            start: s,
            end,
            entry,
            title,
            fuzzy,
        }
    }

    fn find_misspellings(&self, text: &str, words: &[(usize, &str)], hits: &mut Vec<NameHit>) {
        let mut covered = hits.iter().map(|h| (h.start, h.end)).collect::<Vec<_>>();
        covered.sort_unstable();
        let mut lower = String::new(); // reused for every word
        for &(start, word) in words {
            // Characters, counted fast for the ASCII words nearly all are.
            let n = if word.is_ascii() {
                word.len()
            } else {
                word.chars().count()
            };
            if n + 1 < 5 || n > 30 {
                continue;
            }
            let i = covered.partition_point(|&(_, e)| e <= start);
            if covered.get(i).is_some_and(|&(s, _)| s <= start) {
                continue;
            }
            const LISTED: Classes = Classes::FIRST_NAME
                .with(Classes::COMMON_WORD_NAME)
                .with(Classes::LOOKALIKE)
                .with(Classes::PLACE)
                .with(Classes::ORG)
                .with(Classes::RELATIONSHIP);
            if self.gaz.classes_of(word).any(LISTED) {
                continue;
            }
            lower_into(&mut lower, word);
            // The lowest-numbered entry within one edit, looked up under the word and each of
            // its one-character deletions (symmetric deletion). One reused buffer holds each
            // deletion: this runs for every capitalised word of every text.
            let mut best: Option<usize> = None;
            let mut consider = |ids: &[usize]| {
                for &id in ids {
                    if best.is_none_or(|b| id < b)
                        && self.entries[id].pattern != lower
                        && within_one_edit(&self.entries[id].pattern, &lower)
                    {
                        best = Some(id);
                    }
                }
            };
            let listed = |key: &str| {
                self.deletion_keys
                    .may_contain(words::word_hash(key.as_bytes()))
            };
            if listed(&lower)
                && let Some(ids) = self.deletions.get(&lower)
            {
                consider(ids);
            }
            let bytes = lower.as_bytes();
            if lower.is_ascii() && bytes.len() <= 64 {
                // Each deletion in a stack buffer: the one at byte i differs from the one
                // at byte i - 1 in a single byte, so one write makes the next.
                let n = bytes.len();
                // Eight spare bytes, so the hash reads the last few in one masked load.
                let mut buf = [0u8; 72];
                buf[..n - 1].copy_from_slice(&bytes[1..]);
                for i in 0..n {
                    if i > 0 {
                        buf[i - 1] = bytes[i - 1];
                    }
                    let variant = &buf[..n - 1];
                    if self
                        .deletion_keys
                        .may_contain(words::word_hash_in(&buf, 0, n - 1))
                        && let Ok(variant) = std::str::from_utf8(variant)
                        && let Some(ids) = self.deletions.get(variant)
                    {
                        consider(ids);
                    }
                }
            } else {
                let mut variant = String::with_capacity(lower.len());
                for (i, ch) in lower.char_indices() {
                    variant.clear();
                    variant.push_str(&lower[..i]);
                    variant.push_str(&lower[i + ch.len_utf8()..]);
                    if listed(&variant)
                        && let Some(ids) = self.deletions.get(&variant)
                    {
                        consider(ids);
                    }
                }
            }
            let Some(entry) = best else {
                continue;
            };
            let end = start + word.len();
            hits.push(self.with_title(text, start, end, entry, true));
        }
        hits.sort_by_key(|h| h.start);
    }

    /// Decides what to do with one hit, from its owners' roles and the policy; `None` keeps it.
    /// People a text names unambiguously (by a name only they hold in the dictionary).
    pub(crate) fn evidenced(&self, hits: &[NameHit]) -> Vec<usize> {
        let mut out: Vec<usize> = hits
            .iter()
            .filter_map(|h| match self.entries[h.entry].owners.as_slice() {
                [(p, _)] => Some(*p),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub(crate) fn proposal(
        &self,
        hit: &NameHit,
        evidenced: &[usize],
        text: &str,
        people: &[Person],
        roles: &[Role],
        policy: &Policy,
    ) -> Option<Proposal> {
        let entry = &self.entries[hit.entry];
        let third = &entry.roles.third;
        let has_worker = entry.roles.has_worker;
        let subject_form = entry.roles.subject_form;
        let detector = match (hit.fuzzy, entry.owners[0].1) {
            (true, _) => "people.misspelling",
            (_, _) if hit.title.is_some() => "people.title",
            (_, Form::Full) => "people.full",
            (_, Form::Alias) => "people.alias",
            (_, Form::First) => "people.first",
            (_, Form::Surname) => "people.surname",
        };
        let base = |action: Action, entity: String, confidence: f32| Proposal {
            start: hit.start,
            end: hit.end,
            text: text[hit.start..hit.end].to_string(),
            category: Category::ThirdPartyName,
            action,
            code: ReasonCode::TP,
            detector,
            entity,
            confidence,
        };
        if third.is_empty() {
            return None; // subject, workers, relatives whose names may be disclosed
        }
        let entity_of = |ps: &[usize]| match ps {
            [one] => format!("person:{}", people[*one].id),
            _ => format!("name:{}", entry.pattern),
        };
        let confidence = if hit.fuzzy {
            0.7
        } else {
            match entry.owners[0].1 {
                Form::Full | Form::Alias if !entry.single_word => 0.99,
                Form::Surname => 0.85,
                _ => 0.9,
            }
        };
        if subject_form.is_some() || has_worker {
            // Shared with the subject or a worker. A title can point at the third party:
            // "Mrs Begum" is the mother when the subject is not a woman called Begum.
            if let Some(title) = hit.title {
                let male = TITLES
                    .iter()
                    .find(|(t, _)| *t == title)
                    .and_then(|&(_, m)| m);
                let fits = |p: usize| match (male, people[p].gender.as_deref()) {
                    (Some(true), Some(g)) => g.eq_ignore_ascii_case("male"),
                    (Some(false), Some(g)) => g.eq_ignore_ascii_case("female"),
                    _ => true,
                };
                let fitting: Vec<usize> = third.iter().copied().filter(|&p| fits(p)).collect();
                let others_fit = entry
                    .owners
                    .iter()
                    .any(|&(p, _)| roles[p] != Role::ThirdParty && fits(p));
                if !fitting.is_empty() && !others_fit {
                    return Some(base(policy.third_party, entity_of(&fitting), 0.8));
                }
            }
            if subject_form == Some(Form::Surname) && !has_worker {
                return None; // the family's surname: the subject's own
            }
            // Two people called Jordan: when nothing else in the text names the third party
            // (their surname, full name or another name only they hold), it is the subject.
            if subject_form.is_some()
                && !has_worker
                && !third.iter().any(|p| evidenced.binary_search(p).is_ok())
            {
                return None;
            }
            return Some(base(
                policy.ambiguous,
                format!("name:{}", entry.pattern),
                0.5,
            ));
        }
        Some(base(
            policy.third_party,
            entry.roles.entity.clone(),
            confidence,
        ))
    }
}

/// Words that follow a person's name at a sentence start far more often than they follow
/// the same word used otherwise ("Mark said", "Rose was" but "Will speak", "May 2019").
const NAME_FOLLOWERS: &[&str] = &[
    "said",
    "says",
    "was",
    "is",
    "has",
    "had",
    "told",
    "tells",
    "reported",
    "came",
    "comes",
    "went",
    "goes",
    "and",
    "did",
    "does",
    "stated",
    "explained",
    "asked",
    "asks",
    "wants",
    "wanted",
    "would",
    "lives",
    "lived",
    "attended",
    "attends",
    "arrived",
    "left",
    "rang",
    "called",
    "seemed",
    "appeared",
    "shouted",
    "cried",
    "got",
    "needs",
    "needed",
    "looked",
    "looks",
    "agreed",
    "refused",
    "spoke",
    "confirmed",
    "disclosed",
    "mentioned",
    "thinks",
    "thought",
    "felt",
    "feels",
    "likes",
    "liked",
    "loves",
    "loved",
    "hates",
    "became",
    "remains",
    "stayed",
    "stays",
    "visited",
    "visits",
    "plays",
    "played",
    "talked",
    "talks",
    "continues",
    "continued",
    "described",
    "denied",
    "admitted",
    "presented",
    "answered",
    "opened",
    "showed",
    "shared",
    "became",
    "declined",
    "tried",
    "moved",
    "returned",
    "phoned",
    "texted",
    "messaged",
    "smiled",
    "laughed",
    "seems",
    "gave",
    "gives",
    "took",
    "takes",
    "made",
    "makes",
    "knows",
    "knew",
    "sees",
    "saw",
    "hit",
    "hits",
    "also",
    "then",
    "herself",
    "himself",
    "(",
];

/// True when the word after `end` is a typical follower of a name, or a possessive.
pub(crate) fn followed_like_a_name(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    if rest.starts_with("'s")
        || rest.starts_with("\u{2019}s")
        || rest.starts_with(',')
        || rest.starts_with(" (")
    {
        return true;
    }
    static FOLLOWERS: OnceLock<HashSet<&str, BuildHasherDefault<WordHasher>>> = OnceLock::new();
    let followers = FOLLOWERS.get_or_init(|| NAME_FOLLOWERS.iter().copied().collect());
    next_word(text, end).is_some_and(|w| with_lower(w, |w| followers.contains(w)))
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// The word right after `end` (skipping spaces), if any.
pub(crate) fn next_word(text: &str, end: usize) -> Option<&str> {
    let rest = &text[end..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let len = trimmed
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(trimmed.len());
    (len > 0).then(|| &trimmed[..len])
}

/// The word right before `start` (skipping spaces and a full stop), with its start offset.
pub(crate) fn prev_word(text: &str, start: usize) -> Option<(usize, &str)> {
    let before = &text[..start];
    let trimmed = before.trim_end_matches([' ', '\t']);
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if trimmed.len() == before.len() {
        return None; // not separated by a space
    }
    let word_start = trimmed
        .rfind(|c: char| !c.is_alphanumeric())
        .map_or(0, |i| {
            i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
        });
    (word_start < trimmed.len()).then(|| (word_start, &trimmed[word_start..]))
}

/// True when `start` begins a sentence, a line, or a field value ("Name: ...").
pub(crate) fn at_sentence_start(text: &str, start: usize) -> bool {
    let before =
        text[..start].trim_end_matches([' ', '\t', '"', '\'', '(', '\u{2018}', '\u{201c}']);
    match before.chars().next_back() {
        None => true,
        Some(c) => matches!(
            c,
            '.' | '!' | '?' | ':' | '\n' | '\r' | ';' | '-' | '\u{2022}' | '*'
        ),
    }
}

/// Capitalised alphabetic words with their byte offsets.
pub(crate) fn capitalised_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let may_start = |b: u8| b.is_ascii_uppercase() || b >= 0xC0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            // Capitals are a few in a hundred bytes: look at 8 bytes at a time (in one
            // integer) and go straight to the first capital or non-ASCII lead byte among
            // them, passing over the rest (which the byte steps below would too).
            if let Some(chunk) = bytes.get(i..i + 8) {
                let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
                let starts = swar::upper(x) | swar::lead(x);
                if starts == 0 {
                    i += 8;
                    continue;
                }
                i += swar::first(starts);
            }
            let Some(&b) = bytes.get(i) else {
                break;
            };
            // Most bytes are lower case or spaces: test for a capital (or a non-ASCII lead
            // byte, which may start one) before looking at the byte in front.
            if may_start(b) {
                // A name in curly quotes or after a non-breaking space or a dash starts a
                // word too: a non-ASCII byte in front is decoded.
                let boundary_before = match i.checked_sub(1).map(|p| bytes[p]) {
                    None => true,
                    Some(p) if p < 0x80 => !p.is_ascii_alphanumeric(),
                    Some(_) => !text[..i]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric),
                };
                let start_upper =
                    b < 0x80 || text[i..].chars().next().is_some_and(char::is_uppercase);
                if boundary_before && start_upper {
                    let start = i;
                    let rest = &bytes[start..];
                    let ascii = rest
                        .iter()
                        .position(|b| !b.is_ascii_alphabetic())
                        .unwrap_or(rest.len());
                    let len = if rest.get(ascii).is_some_and(|&b| b >= 0x80) {
                        text[start..]
                            .find(|c: char| !c.is_alphabetic())
                            .unwrap_or(text.len() - start)
                    } else {
                        ascii
                    };
                    i += len.max(1);
                    return Some((start, &text[start..start + len]));
                }
            }
            i += 1;
            while i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
                i += 1;
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_title_is_two_to_six_bytes_starting_with_m() {
        for (title, _) in TITLES {
            assert!(
                (2..=6).contains(&title.len()) && title.starts_with('m'),
                "{title}"
            );
        }
    }

    #[test]
    fn edit_distance_one() {
        assert!(within_one_edit("stacey", "staccey"));
        assert!(within_one_edit("karen", "kraen"));
        assert!(within_one_edit("denise", "denice"));
        assert!(within_one_edit("simon", "simo"));
        assert!(!within_one_edit("simon", "sinom"));
        assert!(!within_one_edit("karen", "sharon"));
    }

    #[test]
    fn words_around() {
        assert_eq!(prev_word("Mrs K. Reid", 7), Some((4, "K")));
        assert_eq!(prev_word("Mrs Reid", 4), Some((0, "Mrs")));
        assert_eq!(next_word("Victoria Road", 8), Some("Road"));
        assert!(at_sentence_start("Fine. Will go", 6));
        assert!(!at_sentence_start("and Will went", 4));
        let w: Vec<_> = capitalised_words("saw Renée and Tom's dog").collect();
        assert_eq!(w, vec![(4, "Renée"), (15, "Tom")]);
        // Capitals at every offset of a long lower-case run, as a plain scan finds them.
        for at in 0..40 {
            let text = format!(
                "{}Élodie met \u{201c}Karen\u{201d}{}x\u{a0}Zo éMa",
                "a b ".repeat(at),
                "z".repeat(at)
            );
            let plain: Vec<(usize, &str)> = text
                .char_indices()
                .filter(|&(i, c)| {
                    c.is_uppercase()
                        && text[..i]
                            .chars()
                            .next_back()
                            .is_none_or(|p| !p.is_alphanumeric())
                })
                .map(|(i, _)| {
                    let len = text[i..]
                        .find(|c: char| !c.is_alphabetic())
                        .unwrap_or(text.len() - i);
                    (i, &text[i..i + len])
                })
                .collect();
            assert_eq!(
                capitalised_words(&text).collect::<Vec<_>>(),
                plain,
                "offset {at}"
            );
        }
    }
}
