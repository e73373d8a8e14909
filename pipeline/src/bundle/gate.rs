//! The leak gate: the disclosure's text is extracted again from the final bytes and every redacted
//! string is looked for (whole word, case- and whitespace-insensitive, as redaction matches). A
//! string may be read only as often as the bundle means to show it (a name a reviewer kept in one
//! record and withheld in another); any more, and the bundle stops with the pages listed.

use sar_redaction::pdf::{self, TermMatcher};

use super::BundleError;

fn counts(matches: impl Iterator<Item = usize>, n: usize) -> Vec<usize> {
    let mut c = vec![0; n];
    for t in matches {
        if let Some(slot) = c.get_mut(t) {
            *slot += 1;
        }
    }
    c
}

/// Checks the disclosure volumes (`per` pages each). Never names a redacted string in its error.
pub fn check(
    volumes: &[&[u8]],
    terms: &[String],
    allowed: &str,
    per: usize,
) -> Result<(), BundleError> {
    let matcher = TermMatcher::new(terms);
    let allowed = counts(
        matcher.find_in_text(allowed).into_iter().map(|m| m.term),
        terms.len(),
    );
    let mut seen = vec![0usize; terms.len()];
    let mut places: Vec<Vec<usize>> = vec![Vec::new(); terms.len()];
    for (v, bytes) in volumes.iter().enumerate() {
        let pages = pdf::extract_text(bytes).map_err(|e| BundleError::Leak {
            count: 0,
            places: format!("volume {} could not be read back to check it: {e}", v + 1),
        })?;
        for page in &pages {
            for m in matcher.find(page) {
                seen[m.term] += 1;
                places[m.term].push(v * per + page.page as usize);
            }
        }
    }
    let leaked: Vec<usize> = (0..terms.len()).filter(|&t| seen[t] > allowed[t]).collect();
    if leaked.is_empty() {
        return Ok(());
    }
    let mut pages: Vec<usize> = leaked.iter().flat_map(|&t| places[t].clone()).collect();
    pages.sort();
    pages.dedup();
    let shown: Vec<String> = pages.iter().take(12).map(|p| format!("page {p}")).collect();
    Err(BundleError::Leak {
        count: leaked.len(),
        places: format!(
            "{}{}",
            shown.join(", "),
            if pages.len() > 12 { ", …" } else { "" }
        ),
    })
}
