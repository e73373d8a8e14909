//! Case and whitespace folding with a map back to the original text.
//!
//! Names turn up as "RENÉE", "Karen\nReid" or "Karen  Reid", and the dictionaries hold one
//! form of each. Detection therefore matches over a folded copy of the text: lower case
//! (Unicode), every run of whitespace one space, curly quotes straight, soft hyphens dropped.
//! [`Folded::original_range`] maps a match in the folded copy back to UTF-8 byte offsets of
//! the original, always on character boundaries.

/// A folded copy of a text and, for every folded byte, the original byte offset it came from.
///
/// The offsets are kept as [`Run`]s rather than one per byte: nearly every folded byte comes
/// from the original byte at a fixed distance before it (the distance grows only where
/// whitespace collapses or a character folds to a different length), so a text needs a
/// handful of runs where a byte map would take four bytes per byte of text.
#[derive(Debug, Clone)]
pub struct Folded<'a> {
    original: &'a str,
    /// The folded text.
    pub text: String,
    /// Where the folded bytes came from, in folded order (see [`Folded::source`]).
    runs: Vec<Run>,
}

/// Folded bytes `folded..` (up to the next run) and the original offsets they came from.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// The run's first folded byte.
    folded: u32,
    /// The original offset of the character that byte came from.
    original: u32,
    /// Every byte of the run comes from the one original character at `original` (a
    /// character folded to several bytes); otherwise folded byte `folded + k` comes from
    /// original byte `original + k`.
    one_char: bool,
}

/// Folds one pattern (a name from the export, a gazetteer entry) exactly as texts are folded.
pub fn fold_pattern(s: &str) -> String {
    let folded = Folded::new(s);
    folded.text.trim().to_string()
}

/// Tests on eight bytes at once, in a `u64` (SWAR): each returns a word with the high bit of
/// byte `k` set exactly when byte `k` passes, and no other bit. Plain integer arithmetic, so
/// it needs no SIMD instructions and no `unsafe`, and per byte it costs a fraction of a
/// branch.
pub(crate) mod swar {
    const LOW: u64 = 0x0101_0101_0101_0101;
    pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

    /// Bytes `>= n` (`n <= 0x80`; every non-ASCII byte passes).
    #[inline(always)]
    pub(crate) fn ge(x: u64, n: u8) -> u64 {
        debug_assert!(n <= 0x80);
        // (b & 0x7f) + (0x80 - n) carries into bit 7 exactly when b & 0x7f >= n, and never
        // into the next byte.
        (((x & !HIGH).wrapping_add(LOW * u64::from(0x80 - n))) | x) & HIGH
    }

    /// Bytes equal to `v`.
    #[inline(always)]
    pub(crate) fn eq(x: u64, v: u8) -> u64 {
        let y = x ^ (LOW * u64::from(v));
        // Bit 7 of ((y & 0x7f) + 0x7f) | y is set exactly when the byte of y is not zero.
        !(((y & !HIGH).wrapping_add(!HIGH)) | y) & HIGH
    }

    /// ASCII capitals.
    #[inline(always)]
    pub(crate) fn upper(x: u64) -> u64 {
        ge(x, b'A') & !ge(x, b'Z' + 1)
    }

    /// Lead bytes of characters of two bytes or more (`0xC0..`).
    #[inline(always)]
    pub(crate) fn lead(x: u64) -> u64 {
        x & (x << 1) & HIGH
    }

    /// The bytes `u8::is_ascii_whitespace` accepts: space, tab, line feed, form feed and
    /// carriage return (not the vertical tab, 0x0B).
    #[inline(always)]
    pub(crate) fn ascii_whitespace(x: u64) -> u64 {
        eq(x, b' ') | (ge(x, b'\t') & !ge(x, b'\r' + 1) & !eq(x, 0x0b) & !x & HIGH)
    }

    /// Index of the first byte whose high bit is set in `marks` (8 when none is).
    #[inline(always)]
    pub(crate) fn first(marks: u64) -> usize {
        (marks.trailing_zeros() / 8) as usize
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_test_agrees_with_the_byte_predicate() {
            type WordTest = fn(u64) -> u64;
            type ByteTest = fn(u8) -> bool;
            let tests: [(WordTest, ByteTest); 4] = [
                (upper, |b| b.is_ascii_uppercase()),
                (lead, |b| b >= 0xc0),
                (ascii_whitespace, |b| b.is_ascii_whitespace()),
                (|x| ge(x, 0x30) & !ge(x, 0x3a), |b| b.is_ascii_digit()),
            ];
            for (word, byte) in tests {
                for b in 0..=255u8 {
                    // The byte at every position, among neighbours that pass and that fail.
                    for (pos, fill) in
                        (0..8).flat_map(|p| [(p, 0u8), (p, 0xff), (p, b' '), (p, b'A')])
                    {
                        let mut bytes = [fill; 8];
                        bytes[pos] = b;
                        let got = word(u64::from_le_bytes(bytes));
                        for (k, &c) in bytes.iter().enumerate() {
                            assert_eq!(got >> (8 * k) & 0xff, if byte(c) { 0x80 } else { 0 });
                        }
                    }
                }
                for v in [0u8, 0x0b, b'.', 0x80, 0xff] {
                    let x = u64::from_le_bytes([v, 1, v ^ 1, 0xff, v, 0, 0x7f, v]);
                    let got = eq(x, v);
                    for (k, &c) in x.to_le_bytes().iter().enumerate() {
                        assert_eq!(got >> (8 * k) & 0xff, if c == v { 0x80 } else { 0 });
                    }
                }
            }
        }
    }
}

/// Collects the folded text and its runs.
struct Builder {
    text: Vec<u8>,
    runs: Vec<Run>,
}

impl Builder {
    /// Notes that the folded bytes from now on come from original bytes at `original`, one
    /// for one, starting a run only when the distance between the two changes.
    #[inline]
    fn same_offsets(&mut self, original: usize) {
        let folded = self.text.len();
        if let Some(last) = self.runs.last()
            && !last.one_char
            && last.original as usize + (folded - last.folded as usize) == original
        {
            return;
        }
        self.runs.push(Run {
            folded: folded as u32,
            original: original as u32,
            one_char: false,
        });
    }

    /// One byte folded from original byte offset `original`.
    #[inline]
    fn push(&mut self, byte: u8, original: usize) {
        self.same_offsets(original);
        self.text.push(byte);
    }
}

impl<'a> Folded<'a> {
    /// Folds `original`. Texts longer than 4 GiB are not supported by the offset map; callers
    /// split documents into parts (pages) far smaller than that.
    pub fn new(original: &'a str) -> Folded<'a> {
        // ASCII (nearly all of a case record) is folded eight bytes at a time where no
        // whitespace collapses, and byte by byte otherwise; anything else is decoded at its
        // first byte and folded as a character.
        let bytes = original.as_bytes();
        let mut out = Builder {
            text: Vec::with_capacity(bytes.len()),
            // A run starts at each line break and non-ASCII character.
            runs: Vec::with_capacity(16),
        };
        // The folded text ends in a space: more whitespace collapses into it.
        let mut last_space = false;
        // The last run maps the bytes the fast path copies (set by it, cleared by the rest).
        let mut in_run = false;
        let mut offset = 0;
        while offset < bytes.len() {
            if let Some(chunk) = bytes.get(offset..offset + 8) {
                let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
                // Most chunks hold no control character: then the only whitespace is ' ',
                // which folds to itself.
                let no_controls = swar::ge(x, 0x20) == swar::HIGH;
                let ws = if no_controls {
                    swar::eq(x, b' ')
                } else {
                    swar::ascii_whitespace(x)
                };
                // Bytes that cannot be copied: non-ASCII, and whitespace right after
                // whitespace (which collapses).
                let after_ws = (ws << 8) | (u64::from(last_space) << 7);
                let stop = (x & swar::HIGH) | (ws & after_ws);
                if no_controls && stop == 0 {
                    // The commonest chunk, taken apart from the general case below (which
                    // would give the same bytes): lower-cased whole, with no whitespace masks
                    // and no truncation.
                    if !in_run {
                        out.same_offsets(offset);
                        in_run = true;
                    }
                    out.text
                        .extend_from_slice(&(x | (swar::upper(x) >> 2)).to_le_bytes());
                    last_space = ws >> 63 != 0;
                    offset += 8;
                    continue;
                }
                let good = swar::first(stop);
                if good > 0 {
                    // Lower case (set bit 5 of capitals), whitespace to spaces.
                    let ws_bytes = (ws >> 7) * 0xff;
                    let folded = ((x | (swar::upper(x) >> 2)) & !ws_bytes) | (ws >> 2);
                    if !in_run {
                        out.same_offsets(offset);
                        in_run = true;
                    }
                    // Eight bytes written and the rest dropped: a fixed-size copy is one
                    // store, where a copy of `good` bytes is a call.
                    let len = out.text.len();
                    out.text.extend_from_slice(&folded.to_le_bytes());
                    out.text.truncate(len + good);
                    last_space = ws & (0x80 << (8 * (good - 1))) != 0;
                    offset += good;
                    continue;
                }
            }
            // Past the fast path: the bytes after this one may come from elsewhere.
            in_run = false;
            let at = offset;
            let b = bytes[offset];
            if b.is_ascii() {
                offset += 1;
                if b.is_ascii_whitespace() {
                    if !last_space {
                        out.push(b' ', at);
                        last_space = true;
                    }
                } else {
                    out.push(b.to_ascii_lowercase(), at);
                    last_space = false;
                }
                continue;
            }
            let Some(ch) = original[offset..].chars().next() else {
                break;
            };
            offset += ch.len_utf8();
            let replacement = match ch {
                c if let Some(replacement) = substitute(c) => replacement,
                _ => {
                    last_space = false;
                    let mut buf = [0u8; 4];
                    for lower in ch.to_lowercase() {
                        let encoded = lower.encode_utf8(&mut buf).as_bytes();
                        if let [one] = encoded {
                            out.push(*one, at);
                        } else {
                            out.runs.push(Run {
                                folded: out.text.len() as u32,
                                original: at as u32,
                                one_char: true,
                            });
                            out.text.extend_from_slice(encoded);
                        }
                    }
                    continue;
                }
            };
            match replacement {
                Some(' ') if last_space => {}
                Some(' ') => {
                    out.push(b' ', at);
                    last_space = true;
                }
                Some(c) => {
                    last_space = false;
                    out.push(c as u8, at); // the replacements above are all ASCII
                }
                None => {}
            }
        }
        // Only whole characters were written, so this never fails; an empty text is the
        // harmless fallback rather than a panic.
        let text = String::from_utf8(out.text).unwrap_or_default();
        Folded {
            original,
            text,
            runs: out.runs,
        }
    }

    /// The original text.
    pub fn original(&self) -> &'a str {
        self.original
    }

    /// The original byte offset of the character folded byte `i` (within the text) came from.
    fn source(&self, i: usize) -> usize {
        let k = self.runs.partition_point(|r| r.folded as usize <= i) - 1;
        let run = self.runs[k];
        if run.one_char {
            run.original as usize
        } else {
            run.original as usize + (i - run.folded as usize)
        }
    }

    /// Original byte range of the folded byte range `start..end` (`start < end`, both within
    /// the folded text). The range starts and ends on character boundaries of the original.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        debug_assert!(start < end && end <= self.text.len());
        let first = self.source(start);
        let last = self.source(end - 1);
        let last_len = self.original[last..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        (first, last + last_len)
    }

    /// Folded offset of the first folded byte at or after original offset `orig`.
    pub fn folded_offset(&self, orig: usize) -> usize {
        // Sources never decrease along the folded text: find the last run starting before
        // `orig`, then the first of its bytes that reaches it, else the next run's start.
        let k = self.runs.partition_point(|r| (r.original as usize) < orig);
        self.folded_offset_from(k, orig)
    }

    /// [`Folded::folded_offset`] of each of `origs`, which must not decrease: the runs are
    /// walked once rather than searched for each offset.
    pub fn folded_offsets(
        &self,
        origs: impl Iterator<Item = usize>,
    ) -> impl Iterator<Item = usize> {
        let mut k = 0;
        origs.map(move |orig| {
            while self
                .runs
                .get(k)
                .is_some_and(|r| (r.original as usize) < orig)
            {
                k += 1;
            }
            self.folded_offset_from(k, orig)
        })
    }

    /// The folded offset of `orig`, given the first run whose source is at or after it.
    fn folded_offset_from(&self, k: usize, orig: usize) -> usize {
        let Some(run) = k.checked_sub(1).map(|k| self.runs[k]) else {
            return 0;
        };
        let next = self
            .runs
            .get(k)
            .map_or(self.text.len(), |r| r.folded as usize);
        if run.one_char {
            return next;
        }
        (run.folded as usize + (orig - run.original as usize)).min(next)
    }
}

/// True for characters that make up a word (letters and digits). Apostrophes and hyphens
/// are boundaries, so "Karen's" and "Reid-Smith" contain the whole words "Karen" and "Reid".
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether `start..end` of `s` is a whole word (or words): no word character touches it.
pub fn is_whole_word(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// What folding makes of a non-ASCII character that is not simply lower-cased: unusual spaces
/// become a space, curly quotes and primes straight ones, non-breaking hyphens a hyphen, and
/// soft hyphens and zero-width characters vanish (`Some(None)`). `None`: lower-case it.
fn substitute(ch: char) -> Option<Option<char>> {
    Some(match ch {
        '\u{00a0}' | '\u{2007}' | '\u{202f}' | '\u{2028}' | '\u{2029}' => Some(' '),
        '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{2032}' => Some('\''),
        '\u{201c}' | '\u{201d}' => Some('"'),
        '\u{2010}' | '\u{2011}' => Some('-'),
        '\u{00ad}' | '\u{200b}' | '\u{feff}' => None,
        c if c.is_whitespace() => Some(' '),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folding as first written: one character at a time, one map entry per byte.
    fn fold_by_char(original: &str) -> (String, Vec<usize>) {
        let mut text = String::new();
        let mut map = Vec::new();
        let mut last_space = false;
        for (at, ch) in original.char_indices() {
            let replacement = match ch {
                c if c.is_ascii_whitespace() => Some(' '),
                c if c.is_ascii() => {
                    text.push(c.to_ascii_lowercase());
                    map.push(at);
                    last_space = false;
                    continue;
                }
                c if let Some(replacement) = substitute(c) => replacement,
                _ => {
                    last_space = false;
                    for lower in ch.to_lowercase() {
                        text.push(lower);
                        map.extend(std::iter::repeat_n(at, lower.len_utf8()));
                    }
                    continue;
                }
            };
            match replacement {
                Some(' ') if last_space => {}
                Some(c) => {
                    last_space = c == ' ';
                    text.push(c);
                    map.push(at);
                }
                None => {}
            }
        }
        (text, map)
    }

    #[test]
    fn folds_case_whitespace_and_quotes() {
        let f = Folded::new("RENÉE  Morgan\nsaid\u{2019}s");
        assert_eq!(f.text, "renée morgan said's");
        let at = f.text.find("morgan").unwrap();
        let (s, e) = f.original_range(at, at + "morgan".len());
        assert_eq!(&f.original()[s..e], "Morgan");
        let at = f.text.find("renée").unwrap();
        let (s, e) = f.original_range(at, at + "renée".len());
        assert_eq!(&f.original()[s..e], "RENÉE");
    }

    #[test]
    fn runs_give_every_byte_the_offset_a_byte_map_gives() {
        let pieces = [
            "Mrs  K. REID\t\n saw  Renée\u{00a0} at 10 Elm Road ",
            "plain lower case words with single spaces only, long enough for chunks",
            "  \n\n\t \r\n  ",
            "İSTANBUL ǅemal ß ﬁ \u{00ad}\u{00ad} a\u{00ad} \u{2019}Karen\u{201d}\u{2028}x",
            "\x0b\x0c VT and FF \x0c\x0cend",
            "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ then ascii then ΣΑΣ",
        ];
        // Every piece on its own, and pairs at every shift of a sixteen-byte chunk.
        let mut texts: Vec<String> = pieces.iter().map(|s| s.to_string()).collect();
        for a in pieces {
            for b in pieces {
                for pad in 0..17 {
                    texts.push(format!("{}{a}{}{b}", "x".repeat(pad), " ".repeat(pad % 3)));
                }
            }
        }
        for text in &texts {
            let f = Folded::new(text);
            let (expected, map) = fold_by_char(text);
            assert_eq!(f.text, expected, "{text:?}");
            for (i, &m) in map.iter().enumerate() {
                assert_eq!(f.source(i), m, "byte {i} of {text:?}");
            }
            for orig in 0..=text.len() {
                let brute = map.partition_point(|&m| m < orig);
                assert_eq!(f.folded_offset(orig), brute, "offset {orig} of {text:?}");
            }
            let walked: Vec<usize> = f.folded_offsets(0..=text.len()).collect();
            let searched: Vec<usize> = (0..=text.len()).map(|o| f.folded_offset(o)).collect();
            assert_eq!(walked, searched, "{text:?}");
        }
    }

    #[test]
    fn whole_words() {
        assert!(is_whole_word("Karen's", 0, 5));
        assert!(!is_whole_word("Karena", 0, 5));
        assert!(is_whole_word("x Reid-Smith", 2, 6));
    }
}
