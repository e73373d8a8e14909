//! The forms a person's name is written in, folded text, and whole-word search over it.
//!
//! `aho-corasick` folds ASCII case only, so text and patterns are folded here first (Unicode
//! lower case, accents stripped, curly apostrophes straightened, whitespace runs collapsed) and
//! word boundaries are checked here, on the folded text. A per-byte flag remembers whether the
//! original letter was upper case, so that a given name that is also a common word ("Will",
//! "May") can be told from the word.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::export::Person;

/// How a name form identifies its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameForm {
    /// The full recorded name ("Jordan Alex Reid").
    FullName,
    /// Given name and surname without middle names ("Jordan Reid"), or "Reid, Jordan".
    GivenAndSurname,
    /// An alias of two or more words (a previous name, a misspelt full name).
    Alias,
    /// The given name alone ("Jordan"), or the given name of an alias.
    GivenName,
    /// A one-word alias: a nickname or a misspelt given name ("JJ").
    Nickname,
}

impl NameForm {
    /// Strong forms name one person by themselves; weak forms need context.
    pub fn is_strong(self) -> bool {
        matches!(
            self,
            NameForm::FullName | NameForm::GivenAndSurname | NameForm::Alias
        )
    }
}

/// One form of one person's name, as written and folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameVariant {
    pub written: String,
    pub folded: String,
    pub form: NameForm,
}

/// Every form a person's name is searched in. Surnames alone are never a form: a family
/// shares them, so "Reid" says nothing about which Reid.
pub fn variants(person: &Person) -> Vec<NameVariant> {
    let mut out: Vec<NameVariant> = Vec::new();
    let mut push = |written: String, form: NameForm| {
        let folded = fold(&written).text.trim().to_string();
        if folded.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            return; // an initial alone matches far too much
        }
        match out.iter_mut().find(|v| v.folded == folded) {
            // Keep the strongest form when two spellings fold alike.
            Some(existing) if form < existing.form => existing.form = form,
            Some(_) => {}
            None => out.push(NameVariant {
                written,
                folded,
                form,
            }),
        }
    };
    let words: Vec<&str> = person.name.split_whitespace().collect();
    push(words.join(" "), NameForm::FullName);
    if let (Some(given), Some(surname)) = (words.first(), words.last())
        && words.len() >= 2
    {
        push(format!("{given} {surname}"), NameForm::GivenAndSurname);
        push(format!("{surname}, {given}"), NameForm::GivenAndSurname);
    }
    if let Some(given) = words.first() {
        push((*given).to_string(), NameForm::GivenName);
    }
    for alias in &person.aliases {
        let alias_words: Vec<&str> = alias.split_whitespace().collect();
        match alias_words.as_slice() {
            [] => {}
            [one] => push((*one).to_string(), NameForm::Nickname),
            [given, .., surname] => {
                push(alias_words.join(" "), NameForm::Alias);
                push(format!("{given} {surname}"), NameForm::Alias);
                push((*given).to_string(), NameForm::GivenName);
            }
        }
    }
    out
}

/// Text folded for matching, with what is needed to judge each match.
#[derive(Debug, Default)]
pub struct Folded {
    pub text: String,
    /// Per byte of `text`: [`UPPER`] and [`LINE_BREAK`] flags.
    flags: Vec<u8>,
}

/// The original character was upper case.
const UPPER: u8 = 1;
/// This space stands for whitespace that held a line break.
const LINE_BREAK: u8 = 2;

/// Folds `text`: NFKD with combining marks dropped, lower case, curly quotes straightened, and
/// every run of whitespace (line breaks included) collapsed to one space.
pub fn fold(text: &str) -> Folded {
    let mut out = Folded {
        text: String::with_capacity(text.len()),
        flags: Vec::with_capacity(text.len()),
    };
    let mut pending_space: Option<u8> = None;
    for original in text.chars() {
        if original.is_whitespace() {
            let flag = if original == '\n' { LINE_BREAK } else { 0 };
            pending_space = Some(pending_space.unwrap_or(0) | flag);
            continue;
        }
        if let Some(flag) = pending_space.take()
            && !out.text.is_empty()
        {
            out.push(' ', flag);
        }
        let flag = if original.is_uppercase() { UPPER } else { 0 };
        for decomposed in std::iter::once(original).nfkd() {
            if is_combining_mark(decomposed) {
                continue;
            }
            let straightened = match decomposed {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' => '\'',
                '\u{201C}' | '\u{201D}' => '"',
                '\u{2010}' | '\u{2011}' => '-',
                other => other,
            };
            for lower in straightened.to_lowercase() {
                out.push(lower, flag);
            }
        }
    }
    out
}

impl Folded {
    fn push(&mut self, c: char, flag: u8) {
        self.text.push(c);
        self.flags.resize(self.text.len(), flag);
    }

    /// The original letter at folded byte `at` was upper case.
    pub fn upper_at(&self, at: usize) -> bool {
        self.flags.get(at).is_some_and(|f| f & UPPER != 0)
    }

    /// The word at `at` begins a sentence, a line or the text (so its capital says nothing).
    pub fn sentence_initial(&self, at: usize) -> bool {
        let before = self.text.get(..at).unwrap_or("");
        let trimmed = before.trim_end_matches(' ');
        if trimmed.len() < before.len()
            && self
                .flags
                .get(trimmed.len())
                .is_some_and(|f| f & LINE_BREAK != 0)
        {
            return true;
        }
        match trimmed.chars().next_back() {
            None => true,
            Some(c) => matches!(c, '.' | '!' | '?' | ':' | '"' | '(' | '-' | '*'),
        }
    }

    fn is_word_boundary(&self, start: usize, end: usize) -> bool {
        let before = self.text.get(..start).and_then(|s| s.chars().next_back());
        let after = self.text.get(end..).and_then(|s| s.chars().next());
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    }
}

/// Who a pattern belongs to: an index into the people the [`NameIndex`] was built from.
pub type Owner = usize;

/// One whole-word occurrence of a name form in a folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`NameIndex::patterns`].
    pub pattern: usize,
    pub start: usize,
    /// The original text wrote it with a capital.
    pub capitalised: bool,
    /// It begins a sentence or line (so the capital may be grammar, not a name).
    pub sentence_initial: bool,
}

/// A folded pattern and every person who has it as a name form.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub folded: String,
    pub owners: Vec<(Owner, NameForm)>,
}

/// All the name forms of a set of people in one automaton, so that the longest form wins
/// ("Stacey Hibbert" over "Stacey") and a namesake's full name is never read as the subject's
/// given name.
pub struct NameIndex {
    pub patterns: Vec<Pattern>,
    automaton: AhoCorasick,
}

/// The automaton could not be built (only on pathological pattern sets).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the name search automaton: {0}")]
pub struct NameIndexError(#[from] aho_corasick::BuildError);

impl NameIndex {
    /// Builds the index from each person's [`variants`].
    pub fn build(people: &[&Person]) -> Result<NameIndex, NameIndexError> {
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut by_text: std::collections::HashMap<String, usize> = Default::default();
        for (owner, person) in people.iter().enumerate() {
            for variant in variants(person) {
                match by_text.get(&variant.folded) {
                    Some(&at) => patterns[at].owners.push((owner, variant.form)),
                    None => {
                        by_text.insert(variant.folded.clone(), patterns.len());
                        patterns.push(Pattern {
                            folded: variant.folded,
                            owners: vec![(owner, variant.form)],
                        });
                    }
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns.iter().map(|p| p.folded.as_str()))?;
        Ok(NameIndex {
            patterns,
            automaton,
        })
    }

    /// Every whole-word occurrence of any pattern in `folded`.
    pub fn find(&self, folded: &Folded) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut at = 0;
        while at < folded.text.len() {
            let input = aho_corasick::Input::new(&folded.text).span(at..folded.text.len());
            let Some(found) = self.automaton.find(input) else {
                break;
            };
            if folded.is_word_boundary(found.start(), found.end()) {
                hits.push(Hit {
                    pattern: found.pattern().as_usize(),
                    start: found.start(),
                    capitalised: folded.upper_at(found.start()),
                    sentence_initial: folded.sentence_initial(found.start()),
                });
                at = found.end();
            } else {
                // Not a whole word here: a shorter form may still start at the same place
                // or just after, so step one character on.
                at = found.start()
                    + folded.text[found.start()..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str, aliases: &[&str]) -> Person {
        Person {
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..Person::citizen(id, name)
        }
    }

    #[test]
    fn folding_handles_case_accents_quotes_and_whitespace() {
        let folded = fold("ZOË  O\u{2019}Brien\r\n\t Smith");
        assert_eq!(folded.text, "zoe o'brien smith");
        assert!(folded.sentence_initial(folded.text.len() - "smith".len()));
        assert!(!folded.sentence_initial(4));
        assert!(folded.upper_at(0));
        assert!(!folded.upper_at(folded.text.find("rien").expect("rien")));
    }

    #[test]
    fn variants_cover_full_given_surname_and_aliases() {
        let p = person("P-1", "Jordan Alex Reid", &["Jordan Smith", "JJ"]);
        let forms: Vec<(String, NameForm)> = variants(&p)
            .into_iter()
            .map(|v| (v.folded, v.form))
            .collect();
        for expected in [
            ("jordan alex reid", NameForm::FullName),
            ("jordan reid", NameForm::GivenAndSurname),
            ("reid, jordan", NameForm::GivenAndSurname),
            ("jordan", NameForm::GivenName),
            ("jordan smith", NameForm::Alias),
            ("jj", NameForm::Nickname),
        ] {
            assert!(
                forms.contains(&(expected.0.to_string(), expected.1)),
                "{expected:?} in {forms:?}"
            );
        }
        assert!(!forms.iter().any(|(f, _)| f == "reid"), "no surname alone");
    }

    #[test]
    fn whole_words_only_and_longest_form_wins() {
        let a = person("P-1", "Ann Reid", &[]);
        let b = person("P-2", "Ann Hibbert", &[]);
        let index = NameIndex::build(&[&a, &b]).expect("index");
        let text = fold("Annual review. ANN HIBBERT came; later ann\u{00A0}reid and Anne left.");
        let hits = index.find(&text);
        let found: Vec<&str> = hits
            .iter()
            .map(|h| index.patterns[h.pattern].folded.as_str())
            .collect();
        assert_eq!(found, vec!["ann hibbert", "ann reid"]);
        assert!(hits[0].capitalised);
        assert!(!hits[1].capitalised);
    }
}
