//! Word starts of a folded text, a filter of the words a dictionary's phrases begin with, and
//! the dictionaries themselves ([`Phrases`]).
//!
//! Every dictionary match that counts is whole words, so it starts where a word starts and
//! its first word is exactly a phrase's first word. Rather than scan every byte of every
//! text, detection walks the text's words once, keeps the starts whose word passes a
//! dictionary's [`FirstWords`] filter (a small bitmap of hashes: a false positive only costs
//! a lookup), and looks the words from each start up in the dictionary, a word at a time
//! ([`Phrases::matches`]). On case notes that is a few starts in a hundred words.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::normalize::{is_word_char, swar};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hash of one word's bytes (FxHash-style, eight bytes at a time).
#[inline]
pub(crate) fn word_hash(word: &[u8]) -> u64 {
    word_hash_in(word, 0, word.len())
}

/// [`word_hash`] of `text[start..end]`. Eight bytes are read at a time; the last few are read
/// in one load and masked when the text has eight bytes from there (nearly always), rather
/// than copied out.
#[inline]
pub(crate) fn word_hash_in(text: &[u8], start: usize, end: usize) -> u64 {
    hash_in::<false>(text, start, end)
}

/// [`word_hash`] of `text[start..end]` with its ASCII capitals lower-cased (read from the
/// original text, the hash of the word as folding writes it, for an ASCII word).
#[inline]
pub(crate) fn ascii_lower_hash_in(text: &[u8], start: usize, end: usize) -> u64 {
    hash_in::<true>(text, start, end)
}

#[inline(always)]
fn hash_in<const LOWER: bool>(text: &[u8], start: usize, end: usize) -> u64 {
    let lower = |x: u64| if LOWER { x | (swar::upper(x) >> 2) } else { x };
    let len = end - start;
    // Nearly every word: at most eight bytes, with eight bytes of text from its start.
    if len <= 8
        && let Some(chunk) = text.get(start..start + 8)
    {
        let x = lower(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        let x = if len == 8 {
            x
        } else {
            x & ((1u64 << (8 * len)) - 1)
        };
        return ((len as u64).rotate_left(5) ^ x).wrapping_mul(SEED);
    }
    let mut h = len as u64;
    let mut at = start;
    while at + 8 <= end {
        let x = u64::from_le_bytes(text[at..at + 8].try_into().expect("eight bytes"));
        h = (h.rotate_left(5) ^ lower(x)).wrapping_mul(SEED);
        at += 8;
    }
    let rest = end - at;
    if rest > 0 {
        let x = match text.get(at..at + 8) {
            Some(chunk) => {
                lower(u64::from_le_bytes(chunk.try_into().expect("eight bytes")))
                    & ((1u64 << (8 * rest)) - 1)
            }
            None => {
                let mut b = [0u8; 8];
                b[..rest].copy_from_slice(&text[at..end]);
                lower(u64::from_le_bytes(b))
            }
        };
        h = (h.rotate_left(5) ^ x).wrapping_mul(SEED);
    }
    h
}

/// A set of words, as a bitmap of their hashes: never a false negative.
#[derive(Debug, Clone)]
pub(crate) struct FirstWords {
    bits: Vec<u64>,
    mask: u64,
}

impl FirstWords {
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
#[inline]
pub(crate) fn word_at(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = start;
    loop {
        // ASCII letters and digits a byte at a time (nearly every word); anything else is
        // decoded.
        while end < bytes.len() && bytes[end] < 0x80 && ASCII_WORD[bytes[end] as usize] {
            end += 1;
        }
        if end >= bytes.len() || bytes[end] < 0x80 {
            return end;
        }
        let len = word_char_len(text, end);
        if len == 0 {
            return end;
        }
        end += len;
    }
}

/// The start of the next word at or after `at` (the text's length when there is none).
#[inline]
fn next_word_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if ASCII_WORD[b as usize] {
                return i;
            }
            i += 1;
        } else if word_char_len(text, i) > 0 {
            return i;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    bytes.len()
}

/// A dictionary of folded phrases (names, trigger phrases), each one or more words, looked up
/// at word starts of a folded text: the longest phrase that is whole words of the text from
/// a start is its match there.
///
/// Every phrase and every word-prefix of one ("karen" of "karen reid") is kept under the
/// [`word_hash`] of its bytes, so a lookup reads the text a word at a time and stops as soon
/// as no phrase goes on with the words read so far; the words' separators are compared as
/// they are ("k. reid", "o'neil", "smith-jones"). Building it is a hash insert per word of
/// each phrase, where an automaton's construction was the larger part of a request's
/// start-up.
#[derive(Debug)]
pub(crate) struct Phrases {
    nodes: HashMap<u64, Vec<Node>, BuildHasherDefault<HashIsKey>>,
    first_words: FirstWords,
}

/// One phrase or word-prefix of one.
#[derive(Debug)]
struct Node {
    key: Box<str>,
    /// The phrase's index when the key is one.
    phrase: Option<u32>,
    /// Some longer phrase begins with the key and a separator.
    longer: bool,
}

/// The keys are [`word_hash`]es already: used as they are.
#[derive(Default)]
pub(crate) struct HashIsKey(u64);

impl Hasher for HashIsKey {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }

    #[inline]
    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A whole-word match of a [`Phrases`] dictionary in a folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PhraseMatch {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The phrase's index in the list the dictionary was built from.
    pub(crate) phrase: usize,
}

impl Phrases {
    /// The dictionary of `phrases` (folded, each starting and ending with a word character;
    /// a phrase that does not is left out, as it could never be whole words). A phrase
    /// listed twice keeps its first index.
    pub(crate) fn new<'p>(phrases: impl IntoIterator<Item = &'p str>) -> Phrases {
        let mut dict = Phrases {
            nodes: HashMap::default(),
            first_words: FirstWords::of_words([]),
        };
        let mut firsts = Vec::new();
        for (index, phrase) in phrases.into_iter().enumerate() {
            let whole = phrase.starts_with(is_word_char) && phrase.ends_with(is_word_char);
            if !whole {
                continue;
            }
            let mut ends = Vec::new();
            each_word(phrase, |_, end| ends.push(end));
            let Some(&first_end) = ends.first() else {
                continue;
            };
            firsts.push(&phrase[..first_end]);
            for (k, &end) in ends.iter().enumerate() {
                let last = k + 1 == ends.len();
                let node = dict.node_mut(&phrase[..end]);
                if last {
                    node.phrase.get_or_insert(index as u32);
                } else {
                    node.longer = true;
                }
            }
        }
        dict.first_words = FirstWords::of_words(firsts);
        dict
    }

    fn node_mut(&mut self, key: &str) -> &mut Node {
        let bucket = self.nodes.entry(word_hash(key.as_bytes())).or_default();
        let at = match bucket.iter().position(|n| *n.key == *key) {
            Some(at) => at,
            None => {
                bucket.push(Node {
                    key: key.into(),
                    phrase: None,
                    longer: false,
                });
                bucket.len() - 1
            }
        };
        &mut bucket[at]
    }

    /// The node of `text[start..end]`.
    #[inline]
    fn node(&self, text: &[u8], start: usize, end: usize) -> Option<&Node> {
        let key = &text[start..end];
        self.nodes
            .get(&word_hash_in(text, start, end))?
            .iter()
            .find(|n| n.key.len() == key.len() && n.key.as_bytes() == key)
    }

    /// Whether a phrase may begin with the word of this [`word_hash`].
    #[inline]
    pub(crate) fn may_start(&self, hash: u64) -> bool {
        self.first_words.may_contain(hash)
    }

    /// The longest phrase that is whole words of `text` from `start`, a word start: its end
    /// and index.
    pub(crate) fn longest_at(&self, text: &str, start: usize) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut best = None;
        let mut end = word_at(text, start);
        while end > start {
            let Some(node) = self.node(bytes, start, end) else {
                break;
            };
            if let Some(phrase) = node.phrase {
                best = Some((end, phrase as usize));
            }
            if !node.longer {
                break;
            }
            // The next word: past the separators (never a word character).
            let next = next_word_start(text, end);
            if next == text.len() {
                break;
            }
            end = word_at(text, next);
        }
        best
    }

    /// The matches at the given word starts (in order), each start inside an earlier match
    /// passed over.
    pub(crate) fn matches(
        &self,
        text: &str,
        starts: impl IntoIterator<Item = usize>,
    ) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        let mut resume = 0;
        for start in starts {
            if start < resume {
                continue; // inside the previous match
            }
            if let Some((end, phrase)) = self.longest_at(text, start) {
                resume = end;
                out.push(PhraseMatch { start, end, phrase });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_lower_case_hash_is_the_hash_of_the_lower_cased_word() {
        let text = "Karen McREID-Smith o'NEIL Élodie x ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{ 0123";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let bytes = &text.as_bytes()[start..end];
                if bytes.is_ascii() {
                    let lower = bytes.to_ascii_lowercase();
                    assert_eq!(
                        ascii_lower_hash_in(text.as_bytes(), start, end),
                        word_hash(&lower),
                        "{start}..{end}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_filter_never_misses_a_first_word() {
        let words: Vec<String> = (0..5000).map(|i| format!("name{i}")).collect();
        let filter = FirstWords::of_words(words.iter().map(String::as_str));
        for i in 0..5000 {
            assert!(filter.may_contain(word_hash(format!("name{i}").as_bytes())));
        }
        let false_positives = (0..10_000)
            .filter(|i| filter.may_contain(word_hash(format!("other{i}").as_bytes())))
            .count();
        assert!(false_positives < 500, "{false_positives}");
    }

    /// Lookups at word starts find the longest whole-word phrase, whatever separates its
    /// words, as a plain scan of every phrase at every word start does.
    #[test]
    fn phrases_are_the_longest_whole_words_at_each_start() {
        let phrases = [
            "karen",
            "karen reid",
            "reid",
            "ann",
            "anne",
            "in confidence",
            "k. reid",
            "o'neil",
            "anne-marie smith",
            "élan",
            "ann",
        ];
        let dict = Phrases::new(phrases);
        let texts = [
            "karen reid met anne and joanne, karenreid, reid; told in confidence by ann",
            "karen reidy saw k. reid and k reid, o'neil, o'neill and anne-marie smith.",
            "anne-marie smithson met anne-marie; élan élans ann",
            "in  confidence in confidence",
            "",
            "reid",
        ];
        for text in texts {
            let mut starts = Vec::new();
            each_word(text, |s, e| {
                if dict.may_start(word_hash(&text.as_bytes()[s..e])) {
                    starts.push(s);
                }
            });
            let got = dict.matches(text, starts);
            // Every phrase at every word start, longest first; whole words only.
            let mut expected = Vec::new();
            let mut resume = 0;
            let mut word_starts = Vec::new();
            each_word(text, |s, _| word_starts.push(s));
            for s in word_starts {
                if s < resume {
                    continue;
                }
                let best = phrases
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| {
                        text[s..].starts_with(**p)
                            && super::super::normalize::is_whole_word(text, s, s + p.len())
                    })
                    .max_by_key(|(i, p)| (p.len(), std::cmp::Reverse(*i)));
                if let Some((i, p)) = best {
                    resume = s + p.len();
                    expected.push(PhraseMatch {
                        start: s,
                        end: s + p.len(),
                        phrase: i,
                    });
                }
            }
            assert_eq!(got, expected, "{text:?}");
        }
        let all = dict.matches(texts[1], [0, 12, 16]);
        assert_eq!(all[0].phrase, 0, "karen alone, as reidy is not reid");
        assert_eq!((all[1].start, all[1].end, all[1].phrase), (16, 23, 6));
        assert!(Phrases::new([]).matches("karen", [0]).is_empty());
    }
}
