//! The word lists under `config/gazetteers/` (see its `SOURCES.md`), built into the binary so
//! detection works without the config directory.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

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

/// Every list, lower case.
#[derive(Debug, Default)]
pub struct Gazetteers {
    /// Given names that are not ordinary English words (ONS).
    pub first_names: WordSet,
    /// Given names that are also ordinary English words: a name only when capitalised mid-sentence.
    pub common_word_names: WordSet,
    /// Words that are rarely a name in case records (months, places, "Will"): need context.
    pub lookalikes: WordSet,
    /// Surnames (US Census, minus English words).
    pub surnames: WordSet,
    pub titles: WordSet,
    pub professional_titles: WordSet,
    pub relationship_words: WordSet,
    pub places: WordSet,
    pub org_words: WordSet,
    /// Context phrases before a name; `true` when they mark a confidential source.
    pub context_cues: Vec<(String, bool)>,
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
        Gazetteers {
            first_names: words(list!("first_names.txt")).collect(),
            common_word_names: words(list!("common_word_names.txt")).collect(),
            lookalikes: words(list!("lookalike_names.txt")).collect(),
            surnames: words(list!("surnames.txt")).collect(),
            titles: words(list!("titles.txt")).collect(),
            professional_titles: words(list!("professional_titles.txt")).collect(),
            relationship_words: words(list!("relationship_words.txt")).collect(),
            places: words(list!("places.txt")).collect(),
            org_words: words(list!("org_words.txt")).collect(),
            context_cues: words(list!("context_cues.txt"))
                .map(|w| match w.strip_prefix("cs:") {
                    Some(rest) => (rest.to_string(), true),
                    None => (w, false),
                })
                .collect(),
        }
    }

    /// A given name that may stand alone as a person (not a lookalike or a place).
    pub fn is_plain_first_name(&self, lower: &str) -> bool {
        self.first_names.contains(lower)
            && !self.lookalikes.contains(lower)
            && !self.places.contains(lower)
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
        assert!(g.first_names.len() > 5_000);
        assert!(g.surnames.len() > 5_000);
        assert!(g.is_plain_first_name("darren"));
        assert!(!g.is_plain_first_name("will"));
        assert!(!g.is_plain_first_name("shirley"));
        assert!(g.org_words.contains("road"));
        assert!(
            g.context_cues
                .iter()
                .any(|(c, cs)| c == "referral from" && *cs)
        );
    }
}
