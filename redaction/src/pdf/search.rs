//! Term matching over page text: case-insensitive (full Unicode lower-casing after NFKC),
//! whitespace-tolerant (spaces, line breaks and kerning gaps inside a term are ignored), whole
//! word ("Hunt" leaves "Hunter" alone, "Karen" takes the "Karen" of "Karen's"). Scripts written
//! without spaces (CJK, Thai) match as substrings; right-to-left terms also match in visual order.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use unicode_normalization::UnicodeNormalization;

use super::PageText;

/// A term occurrence: byte range in the page text and the index of the term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMatch {
    pub page: u32,
    pub start: usize,
    pub end: usize,
    pub term: usize,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Scripts without spaces between words: a term in them matches as a substring.
fn unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK ext A
        | 0x4E00..=0x9FFF    // CJK
        | 0xF900..=0xFAFF    // CJK compatibility
        | 0x20000..=0x2FFFF)
}

fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Lower-cased, NFKC, whitespace-free form of a term.
fn fold(term: &str) -> String {
    term.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A compiled set of terms, reusable across pages.
pub struct TermMatcher {
    ac: Option<AhoCorasick>,
    /// Pattern index → (term index, first char of term, last char of term).
    patterns: Vec<(usize, char, char)>,
}

impl TermMatcher {
    pub fn new<S: AsRef<str>>(terms: &[S]) -> TermMatcher {
        let mut pats = Vec::new();
        let mut patterns = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            let f = fold(t.as_ref());
            let (Some(first), Some(last)) = (f.chars().next(), f.chars().last()) else {
                continue;
            };
            if f.chars().any(is_rtl) {
                let rev: String = f.chars().rev().collect();
                if rev != f {
                    pats.push(rev);
                    patterns.push((i, last, first));
                }
            }
            pats.push(f);
            patterns.push((i, first, last));
        }
        let ac = (!pats.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&pats)
                    .ok()
            })
            .flatten();
        TermMatcher { ac, patterns }
    }

    /// Every whole-word occurrence of every term in one page's text. Words hyphenated at a line
    /// end ("Zusam-\nmen") are also matched joined, as pdftotext and readers see them.
    pub fn find(&self, page: &PageText) -> Vec<TermMatch> {
        self.find_in(page.page, &page.text)
    }

    /// Every occurrence in a piece of text that is not a page (the bundle's leak gate counts
    /// terms in what it meant to show and in what the output shows, with the same rules).
    pub fn find_in_text(&self, text: &str) -> Vec<TermMatch> {
        self.find_in(0, text)
    }

    fn find_in(&self, page: u32, text: &str) -> Vec<TermMatch> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut out = self.find_pass(ac, page, text, false);
        if text.contains("-\n") || text.contains("\u{2010}\n") || text.contains("\u{AD}\n") {
            out.extend(self.find_pass(ac, page, text, true));
        }
        out.sort_by_key(|m| (m.start, m.end));
        out.dedup_by(|a, b| a.start == b.start && a.end == b.end);
        out
    }

    fn find_pass(
        &self,
        ac: &AhoCorasick,
        page: u32,
        text: &str,
        join_hyphens: bool,
    ) -> Vec<TermMatch> {
        // Folded, whitespace-free text; `origin[i]` = byte range in the page text of the char
        // that produced folded byte i.
        let mut folded = String::with_capacity(text.len());
        let mut origin: Vec<(u32, u32)> = Vec::with_capacity(text.len());
        for (pos, c) in text.char_indices() {
            if c.is_whitespace() {
                continue;
            }
            let end = pos + c.len_utf8();
            if join_hyphens
                && matches!(c, '-' | '\u{2010}' | '\u{AD}')
                && text[end..].starts_with('\n')
            {
                continue;
            }
            let mut buf = [0u8; 4];
            for lc in std::iter::once(c)
                .flat_map(|c| c.nfkc())
                .flat_map(char::to_lowercase)
            {
                if lc.is_whitespace() {
                    continue;
                }
                let s = lc.encode_utf8(&mut buf);
                folded.push_str(s);
                origin.extend(std::iter::repeat_n((pos as u32, end as u32), s.len()));
            }
        }
        let mut out: Vec<TermMatch> = Vec::new();
        for m in ac.find_overlapping_iter(&folded) {
            let (term, first, last) = self.patterns[m.pattern().as_usize()];
            let start = origin[m.start()].0 as usize;
            let end = origin[m.end() - 1].1 as usize;
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let ok_before =
                unspaced_script(first) || !before.is_some_and(is_word) || !is_word(first);
            let ok_after = unspaced_script(last) || !after.is_some_and(is_word) || !is_word(last);
            if ok_before && ok_after {
                out.push(TermMatch {
                    page,
                    start,
                    end,
                    term,
                });
            }
        }
        out
    }
}

/// Finds every occurrence of `terms` in extracted pages (see the module docs for the rules).
pub fn find_terms<S: AsRef<str>>(pages: &[PageText], terms: &[S]) -> Vec<TermMatch> {
    let m = TermMatcher::new(terms);
    pages.iter().flat_map(|p| m.find(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Rect;

    fn page(text: &str) -> PageText {
        PageText {
            page: 1,
            text: text.into(),
            chars: Vec::new(),
            page_box: Rect::new(0.0, 0.0, 1.0, 1.0),
            image_only: false,
        }
    }

    fn hits(text: &str, term: &str) -> Vec<String> {
        let p = page(text);
        find_terms(std::slice::from_ref(&p), &[term])
            .into_iter()
            .map(|m| p.text[m.start..m.end].to_string())
            .collect()
    }

    #[test]
    fn whole_word_case_and_whitespace() {
        assert_eq!(hits("Hunt met Hunter", "hunt"), vec!["Hunt"]);
        assert_eq!(hits("Karen's coat", "Karen"), vec!["Karen"]);
        assert_eq!(
            hits("Brendan\nEich said", "Brendan Eich"),
            vec!["Brendan\nEich"]
        );
        assert_eq!(hits("RENÉE MORGAN", "Renée"), vec!["RENÉE"]);
        assert_eq!(hits("Ku rt came", "Kurt"), vec!["Ku rt"]);
        assert!(hits("Shunt", "hunt").is_empty());
        assert_eq!(
            hits("the Zusam-\nmenhang is", "zusammenhang"),
            vec!["Zusam-\nmenhang"]
        );
    }

    #[test]
    fn unspaced_scripts_match_substrings() {
        assert_eq!(hits("在沈阳市", "沈阳"), vec!["沈阳"]);
    }

    #[test]
    fn rtl_terms_match_visual_order() {
        assert_eq!(hits("x םולש y", "שלום"), vec!["םולש"]);
    }
}
