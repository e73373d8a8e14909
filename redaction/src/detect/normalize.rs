//! Case and whitespace folding with a map back to the original text.
//!
//! `aho-corasick` folds ASCII case only, and names turn up as "RENÉE", "Karen\nReid" or
//! "Karen  Reid". Detection therefore matches over a folded copy of the text: lower case
//! (Unicode), every run of whitespace one space, curly quotes straight, soft hyphens dropped.
//! [`Folded::original_range`] maps a match in the folded copy back to UTF-8 byte offsets of
//! the original, always on character boundaries.

/// A folded copy of a text and, for every folded byte, the original byte offset it came from.
#[derive(Debug, Clone)]
pub struct Folded<'a> {
    original: &'a str,
    /// The folded text.
    pub text: String,
    /// `map[i]` is the byte offset in `original` of the character folded byte `i` came from.
    map: Vec<u32>,
}

/// Folds one pattern (a name from the export, a gazetteer entry) exactly as texts are folded.
pub fn fold_pattern(s: &str) -> String {
    let folded = Folded::new(s);
    folded.text.trim().to_string()
}

impl<'a> Folded<'a> {
    /// Folds `original`. Texts longer than 4 GiB are not supported by the offset map; callers
    /// split documents into parts (pages) far smaller than that.
    pub fn new(original: &'a str) -> Folded<'a> {
        // Byte by byte: ASCII (nearly all of a case record) is folded without decoding a
        // character; anything else is decoded at its first byte and folded as a character.
        let bytes = original.as_bytes();
        let mut text: Vec<u8> = Vec::with_capacity(bytes.len());
        let mut map: Vec<u32> = Vec::with_capacity(bytes.len());
        let mut last_space = false;
        let mut offset = 0;
        while offset < bytes.len() {
            let at = offset as u32;
            let b = bytes[offset];
            if b.is_ascii_whitespace() {
                offset += 1;
                if !last_space {
                    text.push(b' ');
                    map.push(at);
                    last_space = true;
                }
                continue;
            }
            if b.is_ascii() {
                // A run of ASCII words with single spaces between them folds byte for byte
                // (lower case, same length): copy it in bulk. The run ends before a second
                // space, any other whitespace, or a non-ASCII byte; a space it ends on is
                // remembered, so whitespace after it still collapses.
                let start = offset;
                let mut ends_in_space = false;
                while let Some(&c) = bytes.get(offset) {
                    if c == b' ' {
                        if ends_in_space {
                            break;
                        }
                        ends_in_space = true;
                    } else if c.is_ascii_whitespace() || !c.is_ascii() {
                        break;
                    } else {
                        ends_in_space = false;
                    }
                    offset += 1;
                }
                text.extend(bytes[start..offset].iter().map(u8::to_ascii_lowercase));
                map.extend(at..offset as u32);
                last_space = ends_in_space;
                continue;
            }
            let Some(ch) = original[offset..].chars().next() else {
                break;
            };
            offset += ch.len_utf8();
            let replacement = match ch {
                '\u{00a0}' | '\u{2007}' | '\u{202f}' | '\u{2028}' | '\u{2029}' => Some(' '),
                '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{2032}' => Some('\''),
                '\u{201c}' | '\u{201d}' => Some('"'),
                '\u{2010}' | '\u{2011}' => Some('-'),
                '\u{00ad}' | '\u{200b}' | '\u{feff}' => None,
                c if c.is_whitespace() => Some(' '),
                _ => {
                    last_space = false;
                    let mut buf = [0u8; 4];
                    for lower in ch.to_lowercase() {
                        let encoded = lower.encode_utf8(&mut buf).as_bytes();
                        text.extend_from_slice(encoded);
                        map.extend(std::iter::repeat_n(at, encoded.len()));
                    }
                    continue;
                }
            };
            match replacement {
                Some(' ') if last_space => {}
                Some(' ') => {
                    text.push(b' ');
                    map.push(at);
                    last_space = true;
                }
                Some(c) => {
                    last_space = false;
                    text.push(c as u8); // the replacements above are all ASCII
                    map.push(at);
                }
                None => {}
            }
        }
        // Only whole characters were written, so this never fails; an empty text is the
        // harmless fallback rather than a panic.
        let text = String::from_utf8(text).unwrap_or_default();
        Folded {
            original,
            text,
            map,
        }
    }

    /// The original text.
    pub fn original(&self) -> &'a str {
        self.original
    }

    /// Original byte range of the folded byte range `start..end` (`start < end`, both within
    /// the folded text). The range starts and ends on character boundaries of the original.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        debug_assert!(start < end && end <= self.map.len());
        let first = self.map[start] as usize;
        let last = self.map[end - 1] as usize;
        let last_len = self.original[last..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        (first, last + last_len)
    }

    /// Folded offset of the first folded byte at or after original offset `orig`.
    pub fn folded_offset(&self, orig: usize) -> usize {
        self.map.partition_point(|&m| (m as usize) < orig)
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn folds_runs_of_ascii_like_single_characters() {
        let text = "Mrs  K. REID\t\n saw  Renée\u{00a0} at 10 Elm Road ";
        let f = Folded::new(text);
        assert_eq!(f.text, "mrs k. reid saw renée at 10 elm road ");
        assert_eq!(f.text.len(), f.map.len());
        for (i, c) in f.text.char_indices() {
            let original = text[f.map[i] as usize..].chars().next();
            if c.is_ascii() && c != ' ' {
                assert_eq!(
                    original.map(|o| o.to_ascii_lowercase()),
                    Some(c),
                    "byte {i}"
                );
            }
        }
    }

    #[test]
    fn whole_words() {
        assert!(is_whole_word("Karen's", 0, 5));
        assert!(!is_whole_word("Karena", 0, 5));
        assert!(is_whole_word("x Reid-Smith", 2, 6));
    }
}
