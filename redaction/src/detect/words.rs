//! Word starts of a folded text, and a filter of the words a dictionary's patterns begin with.
//!
//! Every dictionary match that counts is whole words, so it starts where a word starts and
//! its first word is exactly a pattern's first word. Rather than run each dictionary's
//! automaton over every byte of every text, detection walks the text's words once, keeps the
//! starts whose word passes a dictionary's [`FirstWords`] filter (a small bitmap of hashes:
//! a false positive only costs a search), and runs the automaton anchored at those starts
//! ([`anchored_matches`]). On case notes that is a few starts in a hundred words.

use aho_corasick::{AhoCorasick, Anchored, Input, Match};

use super::normalize::{is_word_char, swar};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hash of one word's bytes (FxHash-style, eight bytes at a time).
#[inline]
pub(crate) fn word_hash(word: &[u8]) -> u64 {
    let mut h = word.len() as u64;
    let mut chunks = word.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        h = (h.rotate_left(5) ^ x).wrapping_mul(SEED);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(SEED);
    }
    h
}

/// [`word_hash`] of `text[start..end]`: a word of up to eight bytes with eight bytes of text
/// from its start (nearly every word) is read in one load and masked.
#[inline]
pub(crate) fn word_hash_in(text: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    if len <= 8
        && let Some(chunk) = text.get(start..start + 8)
    {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let x = if len == 8 {
            x
        } else {
            x & ((1u64 << (8 * len)) - 1)
        };
        return ((len as u64).rotate_left(5) ^ x).wrapping_mul(SEED);
    }
    word_hash(&text[start..end])
}

/// The first word of a pattern (its leading run of word characters), if it starts with one.
pub(crate) fn first_word(pattern: &str) -> Option<&str> {
    let end = pattern
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(pattern.len(), |(i, _)| i);
    (end > 0).then(|| &pattern[..end])
}

/// A set of words, as a bitmap of their hashes: never a false negative.
#[derive(Debug, Clone)]
pub(crate) struct FirstWords {
    bits: Vec<u64>,
    mask: u64,
}

impl FirstWords {
    /// The first words of `patterns`. A pattern that does not start with a word character
    /// has none and is left out: it could only be found where no word starts, and every
    /// dictionary's patterns are trimmed to start with a letter or digit.
    pub(crate) fn of<'p>(patterns: impl IntoIterator<Item = &'p str>) -> FirstWords {
        let firsts: Vec<&str> = patterns
            .into_iter()
            .filter_map(|p| {
                let first = first_word(p);
                debug_assert!(first.is_some(), "pattern {p:?} starts with no word");
                first
            })
            .collect();
        Self::of_words(firsts)
    }

    /// A filter of whole words (each hashed as it is, whatever characters it holds).
    pub(crate) fn of_words<'w>(words: impl IntoIterator<Item = &'w str>) -> FirstWords {
        let hashes: Vec<u64> = words.into_iter().map(|w| word_hash(w.as_bytes())).collect();
        // About 64 bits per word: one false positive in ~64 for a word not in the set.
        let nbits = (hashes.len() * 64).next_power_of_two().max(1 << 12);
        let mut set = FirstWords {
            bits: vec![0; nbits / 64],
            mask: nbits as u64 - 1,
        };
        for hash in hashes {
            let bit = set.bit(hash);
            set.bits[bit / 64] |= 1 << (bit % 64);
        }
        set
    }

    #[inline]
    fn bit(&self, hash: u64) -> usize {
        // The high bits are the best mixed.
        ((hash >> 40) & self.mask) as usize
    }

    /// Whether the word with this [`word_hash`] may be in the set.
    #[inline]
    pub(crate) fn may_contain(&self, hash: u64) -> bool {
        let bit = self.bit(hash);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// ASCII bytes that are word characters.
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The length of the word character at `i` (0 when it is not one).
#[inline]
fn word_char_len(text: &str, i: usize) -> usize {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        usize::from(ASCII_WORD[b as usize])
    } else {
        text[i..]
            .chars()
            .next()
            .filter(|&c| is_word_char(c))
            .map_or(0, char::len_utf8)
    }
}

/// ASCII letters and digits among eight bytes (see [`swar`]; non-ASCII bytes never pass).
#[inline(always)]
fn ascii_word_mask(x: u64) -> u64 {
    let digit = swar::ge(x, b'0') & !swar::ge(x, b'9' + 1);
    let lower = swar::ge(x, b'a') & !swar::ge(x, b'z' + 1);
    digit | lower | swar::upper(x)
}

/// Calls `f(start, end)` for every word of `text` (a maximal run of word characters), in
/// order. ASCII is read eight bytes at a time: a word starts or ends where a byte's
/// word-ness differs from the byte before it.
#[inline]
pub(crate) fn each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut in_word = false;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if x & swar::HIGH == 0 {
                let word = ascii_word_mask(x);
                let before = (word << 8) | (u64::from(in_word) << 7);
                let mut changes = (word ^ before) & swar::HIGH;
                while changes != 0 {
                    let at = i + swar::first(changes);
                    if in_word {
                        f(start, at);
                    } else {
                        start = at;
                    }
                    in_word = !in_word;
                    changes &= changes - 1;
                }
                i += 8;
                continue;
            }
        }
        // A byte at a time near the end and around non-ASCII characters.
        let len = word_char_len(text, i);
        if len > 0 {
            if !in_word {
                start = i;
                in_word = true;
            }
            i += len;
        } else {
            if in_word {
                f(start, i);
                in_word = false;
            }
            i += 1;
            while i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
                i += 1;
            }
        }
    }
    if in_word {
        f(start, bytes.len());
    }
}

/// The starts of the words of `text` that `may_start` passes (given each word's
/// [`word_hash`]), in order: where a dictionary's anchored search should run.
pub(crate) fn starts_where(text: &str, may_start: impl Fn(u64) -> bool) -> Vec<usize> {
    let mut starts = Vec::new();
    each_word(text, |s, e| {
        if may_start(word_hash_in(text.as_bytes(), s, e)) {
            starts.push(s);
        }
    });
    starts
}

/// The end of the run of word characters from `start` (`start` itself when there is none).
pub(crate) fn word_at(text: &str, start: usize) -> usize {
    let mut end = start;
    while end < text.len() {
        let len = word_char_len(text, end);
        if len == 0 {
            break;
        }
        end += len;
    }
    end
}

/// Leftmost-longest matches of `ac` (built with anchored starts) that begin at the given
/// word starts, in order, each search resuming after the previous match as an unanchored
/// leftmost-longest search would. Only matches that start where a word starts are found,
/// which are the only ones that can be whole words.
pub(crate) fn anchored_matches(
    ac: &AhoCorasick,
    text: &str,
    starts: impl IntoIterator<Item = usize>,
) -> Vec<Match> {
    let mut out = Vec::new();
    let mut resume = 0;
    for start in starts {
        if start < resume {
            continue; // inside the previous match
        }
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        if let Some(m) = ac.find(input) {
            resume = m.end();
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{MatchKind, StartKind};

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let text = "mrs k. reid-smith's 10 élan, o'neil\u{2014}x";
        let mut words = Vec::new();
        each_word(text, |s, e| words.push(&text[s..e]));
        assert_eq!(
            words,
            [
                "mrs", "k", "reid", "smith", "s", "10", "élan", "o", "neil", "x"
            ]
        );
        assert_eq!(word_at(text, 7), 11);
        assert_eq!(first_word("o'neil"), Some("o"));
        assert_eq!(first_word("'x"), None);
    }

    /// The eight-byte scan finds the words a character-by-character scan finds, at every
    /// alignment, with non-ASCII letters and separators anywhere.
    #[test]
    fn each_word_agrees_with_a_plain_scan() {
        let pieces = [
            "abc", "d", "x9y", "élan", "\u{2014}", "' ", "  ", "12345678", "ß", "q.r",
        ];
        let mut texts = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for pad in 0..9 {
                        texts.push(format!(
                            "{}{a}{b} {c}{}",
                            "z".repeat(pad),
                            "-".repeat(pad % 4)
                        ));
                    }
                }
            }
        }
        for text in &texts {
            let mut got = Vec::new();
            each_word(text, |s, e| got.push((s, e)));
            let mut expected = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices() {
                match (is_word_char(c), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        expected.push((s, i));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                expected.push((s, text.len()));
            }
            assert_eq!(got, expected, "{text:?}");
            for &(s, e) in &got {
                assert_eq!(
                    word_hash_in(text.as_bytes(), s, e),
                    word_hash(&text.as_bytes()[s..e])
                );
            }
        }
    }

    #[test]
    fn the_filter_never_misses_a_first_word() {
        let patterns: Vec<String> = (0..5000).map(|i| format!("name{i} surname")).collect();
        let filter = FirstWords::of(patterns.iter().map(String::as_str));
        for i in 0..5000 {
            assert!(filter.may_contain(word_hash(format!("name{i}").as_bytes())));
        }
        let false_positives = (0..10_000)
            .filter(|i| filter.may_contain(word_hash(format!("other{i}").as_bytes())))
            .count();
        assert!(false_positives < 500, "{false_positives}");
    }

    /// Anchored searches at word starts find every whole-word match an unanchored
    /// leftmost-longest scan finds.
    #[test]
    fn anchored_at_word_starts_finds_the_whole_word_matches() {
        let patterns = [
            "karen",
            "karen reid",
            "reid",
            "ann",
            "anne",
            "in confidence",
        ];
        let build = |start| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(start)
                .build(patterns)
                .unwrap()
        };
        let (anchored, unanchored) = (build(StartKind::Anchored), build(StartKind::Unanchored));
        let text = "karen reid met anne and joanne, karenreid, reid; told in confidence by ann";
        let filter = FirstWords::of(patterns);
        let mut starts = Vec::new();
        each_word(text, |s, e| {
            if filter.may_contain(word_hash(&text.as_bytes()[s..e])) {
                starts.push(s);
            }
        });
        let whole = |m: &Match| super::super::normalize::is_whole_word(text, m.start(), m.end());
        let got: Vec<(usize, usize)> = anchored_matches(&anchored, text, starts)
            .iter()
            .filter(|m| whole(m))
            .map(|m| (m.start(), m.end()))
            .collect();
        let expected: Vec<(usize, usize)> = unanchored
            .find_iter(text)
            .filter(whole)
            .map(|m| (m.start(), m.end()))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(got.len(), 5);
    }
}
