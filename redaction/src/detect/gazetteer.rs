//! The word lists under `config/gazetteers/` (see its `SOURCES.md`), built into the binary so
//! detection works without the config directory.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use super::words::{self, FirstWords, HashIsKey};

/// A word set keyed by lower-case words, hashed with [`WordHasher`].
pub type WordSet = HashSet<String, BuildHasherDefault<WordHasher>>;
/// A map keyed by lower-case words, hashed with [`WordHasher`].
pub type WordMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;

/// The Fx multiply-rotate hash (as in rustc), eight bytes at a time.
///
/// Detection looks up every capitalised word of every text in several sets, and the
/// default SipHash was a visible share of the profile. Fx is not resistant to chosen
/// collisions, which is acceptable here: the keys are the built-in lists and one export's
/// names, and a hostile text could at worst slow its own lookups, never change a result.
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

macro_rules! list {
    ($name:literal) => {
        include_str!(concat!("../../../config/gazetteers/", $name))
    };
}

/// Every list, lower case. The two long lists, given names that are not ordinary English
/// words (ONS) and surnames (US Census, minus English words), are kept only as
/// [`Classes::FIRST_NAME`] and [`Classes::SURNAME`] of [`Gazetteers::classes`].
#[derive(Debug)]
pub struct Gazetteers {
    /// Given names that are also ordinary English words: a name only when capitalised mid-sentence.
    pub common_word_names: WordSet,
    /// Words that are rarely a name in case records (months, places, "Will"): need context.
    pub lookalikes: WordSet,
    pub titles: WordSet,
    pub professional_titles: WordSet,
    pub relationship_words: WordSet,
    pub places: WordSet,
    pub org_words: WordSet,
    /// Context phrases before a name; `true` when they mark a confidential source.
    pub context_cues: Vec<(String, bool)>,
    /// Indexes into `context_cues` by each cue's last word, in list order (see
    /// [`Gazetteers::cues_ending_with`]).
    cues_by_last_word: WordMap<Vec<usize>>,
    /// Every listed word with the lists it is on, found by the [`words::word_hash`] of
    /// each word (an index into `listed`), so a word of a text can be looked up without
    /// being lower-cased first.
    by_hash: HashMap<u64, u32, BuildHasherDefault<HashIsKey>>,
    listed: Vec<(String, Classes)>,
    /// Words whose hash an earlier word has (none is expected): searched one by one.
    collided: Vec<(String, Classes)>,
    /// Filters of the relationship words and of the context cues' last words.
    relationship_filter: FirstWords,
    cue_end_filter: FirstWords,
    /// The longest relationship word, in bytes.
    longest_relationship: usize,
}

/// The lists a word is on (a set of flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classes(u16);

impl Classes {
    pub const FIRST_NAME: Classes = Classes(1);
    pub const COMMON_WORD_NAME: Classes = Classes(1 << 1);
    pub const LOOKALIKE: Classes = Classes(1 << 2);
    pub const SURNAME: Classes = Classes(1 << 3);
    pub const TITLE: Classes = Classes(1 << 4);
    pub const PROFESSIONAL_TITLE: Classes = Classes(1 << 5);
    pub const RELATIONSHIP: Classes = Classes(1 << 6);
    pub const PLACE: Classes = Classes(1 << 7);
    pub const ORG: Classes = Classes(1 << 8);

    /// These classes and `other`.
    pub const fn with(self, other: Classes) -> Classes {
        Classes(self.0 | other.0)
    }

    /// On any of the lists in `any`.
    pub const fn any(self, any: Classes) -> bool {
        self.0 & any.0 != 0
    }
}

/// Calls `f` with `word` in lower case (as `str::to_lowercase` gives it), without allocating
/// for the short ASCII words that make up nearly every lookup.
pub fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    const MAX: usize = 64;
    let bytes = word.as_bytes();
    if bytes.len() <= MAX && bytes.is_ascii() {
        let mut buf = [0u8; MAX];
        let lower = &mut buf[..bytes.len()];
        lower.copy_from_slice(bytes);
        lower.make_ascii_lowercase();
        if let Ok(lower) = std::str::from_utf8(lower) {
            return f(lower);
        }
    }
    f(&word.to_lowercase())
}

/// Sets `buf` to `word` in lower case, reusing its allocation.
pub fn lower_into(buf: &mut String, word: &str) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&word.to_lowercase()); // rare: keeps `to_lowercase`'s final-sigma rule
    }
}

/// The last run of letters and digits of `s` (empty when `s` ends otherwise).
pub fn last_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric())
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[start..]
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
}

impl Gazetteers {
    /// The built-in lists, parsed once per process.
    pub fn built_in() -> Arc<Gazetteers> {
        static CELL: OnceLock<Arc<Gazetteers>> = OnceLock::new();
        CELL.get_or_init(|| Arc::new(Gazetteers::parse_built_in()))
            .clone()
    }

    fn parse_built_in() -> Gazetteers {
        let relationship_words: WordSet = words(list!("relationship_words.txt")).collect();
        let context_cues: Vec<(String, bool)> = words(list!("context_cues.txt"))
            .map(|w| match w.strip_prefix("cs:") {
                Some(rest) => (rest.to_string(), true),
                None => (w, false),
            })
            .collect();
        let mut cues_by_last_word: WordMap<Vec<usize>> = WordMap::default();
        for (i, (cue, _)) in context_cues.iter().enumerate() {
            cues_by_last_word
                .entry(last_word(cue).to_string())
                .or_default()
                .push(i);
        }
        // Cues that do not end in a word may end any text: file them under every word too.
        let unworded = cues_by_last_word.get("").cloned().unwrap_or_default();
        for (word, ids) in cues_by_last_word.iter_mut() {
            if !word.is_empty() {
                ids.extend(&unworded);
                ids.sort_unstable();
            }
        }
        let mut g = Gazetteers {
            common_word_names: words(list!("common_word_names.txt")).collect(),
            lookalikes: words(list!("lookalike_names.txt")).collect(),
            titles: words(list!("titles.txt")).collect(),
            professional_titles: words(list!("professional_titles.txt")).collect(),
            places: words(list!("places.txt")).collect(),
            org_words: words(list!("org_words.txt")).collect(),
            relationship_filter: FirstWords::of_words(
                relationship_words.iter().map(String::as_str),
            ),
            cue_end_filter: FirstWords::of_words(cues_by_last_word.keys().map(String::as_str)),
            longest_relationship: relationship_words
                .iter()
                .map(String::len)
                .max()
                .unwrap_or(0),
            relationship_words,
            context_cues,
            cues_by_last_word,
            by_hash: HashMap::with_capacity_and_hasher(40_000, Default::default()),
            listed: Vec::with_capacity(40_000),
            collided: Vec::new(),
        };
        for (list, class) in [
            (list!("first_names.txt"), Classes::FIRST_NAME),
            (list!("common_word_names.txt"), Classes::COMMON_WORD_NAME),
            (list!("lookalike_names.txt"), Classes::LOOKALIKE),
            (list!("surnames.txt"), Classes::SURNAME),
            (list!("titles.txt"), Classes::TITLE),
            (
                list!("professional_titles.txt"),
                Classes::PROFESSIONAL_TITLE,
            ),
            (list!("relationship_words.txt"), Classes::RELATIONSHIP),
            (list!("places.txt"), Classes::PLACE),
            (list!("org_words.txt"), Classes::ORG),
        ] {
            for word in words(list) {
                g.add_class(word, class);
            }
        }
        g
    }

    /// [`Gazetteers::classes`] of `word` in any case, as it is written in a text: an ASCII
    /// word is looked up by its lower-case hash and compared ignoring ASCII case, without
    /// being lower-cased.
    pub fn classes_of(&self, word: &str) -> Classes {
        if !word.is_ascii() {
            return with_lower(word, |lower| self.classes(lower));
        }
        let bytes = word.as_bytes();
        let hash = words::ascii_lower_hash_in(bytes, 0, bytes.len());
        self.lookup(hash, |listed| listed.as_bytes().eq_ignore_ascii_case(bytes))
    }

    /// The classes of the listed word with this hash that `same` accepts (the word itself:
    /// two words may share a hash), or none.
    fn lookup(&self, hash: u64, same: impl Fn(&str) -> bool) -> Classes {
        let same = |(listed, _): &&(String, Classes)| same(listed);
        self.by_hash
            .get(&hash)
            .map(|&i| &self.listed[i as usize])
            .filter(same)
            .or_else(|| self.collided.iter().find(same))
            .map_or_else(Classes::default, |&(_, classes)| classes)
    }

    /// Whether the ASCII word `text[start..end]` may be a relationship word, in any case
    /// (never false for one that is).
    pub(crate) fn may_be_relationship(&self, text: &[u8], start: usize, end: usize) -> bool {
        end - start <= self.longest_relationship
            && self
                .relationship_filter
                .may_contain(words::ascii_lower_hash_in(text, start, end))
    }

    /// Whether some context cue may end with the ASCII word `text[start..end]`, in any case
    /// (never false when one does).
    pub(crate) fn may_end_a_cue(&self, text: &[u8], start: usize, end: usize) -> bool {
        self.cue_end_filter
            .may_contain(words::ascii_lower_hash_in(text, start, end))
    }

    /// Puts `word` (lower case) on the list of `class`.
    fn add_class(&mut self, word: String, class: Classes) {
        let hash = words::word_hash(word.as_bytes());
        let Some(&i) = self.by_hash.get(&hash) else {
            self.by_hash.insert(hash, self.listed.len() as u32);
            self.listed.push((word, class));
            return;
        };
        let slot = match &mut self.listed[i as usize] {
            (listed, classes) if *listed == word => classes,
            _ => match self.collided.iter().position(|(listed, _)| *listed == word) {
                Some(k) => &mut self.collided[k].1,
                None => {
                    self.collided.push((word, class));
                    return;
                }
            },
        };
        *slot = slot.with(class);
    }

    /// Every list `lower` is on, from one lookup (the unknown-name and misspelling passes
    /// ask several lists about every capitalised word).
    pub fn classes(&self, lower: &str) -> Classes {
        self.lookup(words::word_hash(lower.as_bytes()), |listed| listed == lower)
    }

    /// The context cues, in list order, that can end a text whose last word is `word`.
    ///
    /// A cue that ends in a letter or digit can only end a text as a whole word (the caller
    /// requires a word boundary before it) when the text's last word is the cue's last word;
    /// cues ending otherwise are filed under the empty word, which callers look up as well.
    /// This spares checking every cue against every capitalised word of every text.
    pub fn cues_ending_with(&self, word: &str) -> impl Iterator<Item = &(String, bool)> {
        self.cues_by_last_word
            .get(word)
            .or_else(|| self.cues_by_last_word.get(""))
            .into_iter()
            .flatten()
            .map(|&i| &self.context_cues[i])
    }

    /// Whether any cue ends with `word` (lower case, not empty).
    pub fn has_cues_ending_with(&self, word: &str) -> bool {
        self.cues_by_last_word.contains_key(word)
    }

    /// A given name that may stand alone as a person (not a lookalike or a place).
    pub fn is_plain_first_name(&self, lower: &str) -> bool {
        let classes = self.classes(lower);
        classes.any(Classes::FIRST_NAME) && !classes.any(Classes::LOOKALIKE.with(Classes::PLACE))
    }

    /// Any title, courtesy or professional.
    pub fn is_any_title(&self, lower: &str) -> bool {
        self.titles.contains(lower) || self.professional_titles.contains(lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_keep_lookalikes_apart() {
        let g = Gazetteers::built_in();
        let on = |class| g.listed.iter().filter(|(_, c)| c.any(class)).count();
        assert!(on(Classes::FIRST_NAME) > 5_000);
        assert!(on(Classes::SURNAME) > 5_000);
        assert!(g.classes("patel").any(Classes::SURNAME));
        assert!(g.is_plain_first_name("darren"));
        assert!(!g.is_plain_first_name("will"));
        assert!(!g.is_plain_first_name("shirley"));
        assert!(g.org_words.contains("road"));
        assert!(
            g.context_cues
                .iter()
                .any(|(c, cs)| c == "referral from" && *cs)
        );
        assert!(
            g.cues_ending_with("from")
                .any(|(c, cs)| c == "referral from" && *cs)
        );
        assert_eq!(last_word("a referral from"), "from");
        let c = g.classes("road");
        assert!(c.any(Classes::ORG) && !c.any(Classes::FIRST_NAME));
        assert!(g.classes("darren").any(Classes::FIRST_NAME));
        assert_eq!(g.classes("zzzz"), Classes::default());
        // By hash, in any case, as `classes` of the lower-cased word.
        for word in [
            "Road", "DARREN", "darren", "Zzzz", "Renée", "RENÉE", "Will", "mUm", "",
        ] {
            assert_eq!(
                g.classes_of(word),
                with_lower(word, |l| g.classes(l)),
                "{word}"
            );
        }
        for (word, _) in &g.listed {
            let upper = word.to_uppercase();
            assert_eq!(g.classes_of(&upper), g.classes(word), "{upper}");
        }
        for word in g.relationship_words.iter().filter(|w| w.is_ascii()) {
            let upper = word.to_ascii_uppercase();
            assert!(
                g.may_be_relationship(upper.as_bytes(), 0, upper.len()),
                "{word}"
            );
        }
        for word in g.cues_by_last_word.keys().filter(|w| w.is_ascii()) {
            assert!(g.may_end_a_cue(word.as_bytes(), 0, word.len()), "{word}");
        }
        with_lower("MiXeD", |l| assert_eq!(l, "mixed"));
        with_lower("RENÉE", |l| assert_eq!(l, "renée"));
        assert_eq!(last_word("referrer:"), "");
    }
}
