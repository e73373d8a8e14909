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

/// The gate over a bundle's volumes, read back one at a time.
pub struct Gate {
    matcher: TermMatcher,
    allowed: Vec<usize>,
    seen: Vec<usize>,
    places: Vec<Vec<usize>>,
    per: usize,
}

impl Gate {
    /// `allowed` is the text the bundle means to show; volumes have `per` pages.
    pub fn new(terms: &[String], allowed: &str, per: usize) -> Gate {
        let matcher = TermMatcher::new(terms);
        let allowed = counts(
            matcher.find_in_text(allowed).into_iter().map(|m| m.term),
            terms.len(),
        );
        Gate {
            matcher,
            seen: vec![0; terms.len()],
            places: vec![Vec::new(); terms.len()],
            allowed,
            per,
        }
    }

    /// Reads one volume (0-based `v`) back and counts every redacted string in it.
    pub fn scan(&mut self, v: usize, bytes: &[u8]) -> Result<(), BundleError> {
        let pages = pdf::extract_text(bytes).map_err(|e| BundleError::Leak {
            count: 0,
            places: format!("volume {} could not be read back to check it: {e}", v + 1),
        })?;
        for page in &pages {
            for m in self.matcher.find(page) {
                self.seen[m.term] += 1;
                self.places[m.term].push(v * self.per + page.page as usize);
            }
        }
        Ok(())
    }

    /// Passes when no string is read more often than the bundle means to show it. Never names a
    /// redacted string in its error.
    pub fn finish(self) -> Result<(), BundleError> {
        let leaked: Vec<usize> = (0..self.seen.len())
            .filter(|&t| self.seen[t] > self.allowed[t])
            .collect();
        if leaked.is_empty() {
            return Ok(());
        }
        let mut pages: Vec<usize> = leaked
            .iter()
            .flat_map(|&t| self.places[t].clone())
            .collect();
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
}
