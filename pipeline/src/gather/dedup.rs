//! Copies among the gathered records.
//!
//! - **Exact**: the same content hash (the same file bytes, or the same text once whitespace is
//!   collapsed). The copy adds nothing.
//! - **Near**: the same letter uploaded twice with small edits (word 5-gram Jaccard at or above
//!   [`NEAR_COPY_JACCARD`]), or a record whose text is wholly quoted in a longer one, such as an
//!   earlier email in a thread (containment at or above [`QUOTED_CONTAINMENT`]).
//!
//! Candidates are found through a few of each record's rarest-hashing shingles (a bottom-k
//! sketch over an inverted index), so the work stays near linear on a 20,000-record file;
//! every candidate pair is then verified on the full shingle sets.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Shingle width in words.
const SHINGLE_WORDS: usize = 5;
/// Records with fewer shingles are too short to call near-copies (template notes).
const MIN_SHINGLES: usize = 25;
/// Word-set similarity at which two records are the same document.
pub const NEAR_COPY_JACCARD: f64 = 0.85;
/// Share of a record's shingles found in a longer record for it to count as quoted there.
pub const QUOTED_CONTAINMENT: f64 = 0.9;
/// How many sketch shingles per record are used to find candidates.
const SKETCH: usize = 6;
/// Shingles held by more records than this are boilerplate and not used to find candidates.
const MAX_POSTING: usize = 64;

/// The word 5-gram hashes of a text, sorted and unique.
pub fn shingles(folded_text: &str) -> Vec<u64> {
    let words: Vec<&str> = folded_text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<u64> = words
        .windows(SHINGLE_WORDS)
        .map(|window| {
            let mut hasher = DefaultHasher::new();
            window.hash(&mut hasher);
            hasher.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// How a near-copy relates to the record it is marked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nearness {
    /// Nearly the same text (Jaccard of the shingle sets).
    Copy { jaccard: f64 },
    /// Its text is contained in the other, longer record.
    Quoted { containment: f64 },
}

/// Near-copy links: `(index of the copy, index of the kept record, how near)`. Indexes refer
/// to `sets`; `sets` must be in keeping priority order (the record to keep first).
pub fn near_copies(sets: &[Vec<u64>]) -> Vec<(usize, usize, Nearness)> {
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        if set.len() >= MIN_SHINGLES {
            for &h in set {
                postings.entry(h).or_default().push(i);
            }
        }
    }
    let mut copy_of: Vec<Option<(usize, Nearness)>> = vec![None; sets.len()];
    // Pass 1: near-identical copies; the first in priority order is kept.
    for i in 0..sets.len() {
        if sets[i].len() < MIN_SHINGLES {
            continue;
        }
        for j in candidates(i, &sets[i], &postings) {
            if j >= i || copy_of[j].is_some() {
                continue;
            }
            let jaccard = jaccard(&sets[i], &sets[j]);
            if jaccard >= NEAR_COPY_JACCARD {
                copy_of[i] = Some((j, Nearness::Copy { jaccard }));
                break;
            }
        }
    }
    // Pass 2: a remaining record quoted whole in a longer remaining one (an earlier mail in a
    // later thread) is marked against the longer one.
    for i in 0..sets.len() {
        if copy_of[i].is_some() || sets[i].len() < MIN_SHINGLES {
            continue;
        }
        let mut best: Option<(usize, f64)> = None;
        for j in candidates(i, &sets[i], &postings) {
            if j == i || copy_of[j].is_some() || sets[j].len() <= sets[i].len() {
                continue;
            }
            let containment = intersection(&sets[i], &sets[j]) as f64 / sets[i].len() as f64;
            if containment >= QUOTED_CONTAINMENT && best.is_none_or(|(_, c)| containment > c) {
                best = Some((j, containment));
            }
        }
        if let Some((j, containment)) = best {
            copy_of[i] = Some((j, Nearness::Quoted { containment }));
        }
    }
    // A record quoted in another that was itself marked later points at that one's target.
    let mut out = Vec::new();
    for (i, link) in copy_of.iter().enumerate() {
        if let Some((mut target, nearness)) = *link {
            let mut hops = 0;
            while let Some((next, _)) = copy_of[target] {
                target = next;
                hops += 1;
                if hops > sets.len() {
                    break;
                }
            }
            if target != i {
                out.push((i, target, nearness));
            }
        }
    }
    out
}

fn candidates(i: usize, set: &[u64], postings: &HashMap<u64, Vec<usize>>) -> BTreeSet<usize> {
    // `set` is sorted, so its first elements are its bottom-k sketch.
    let mut out = BTreeSet::new();
    let mut used = 0;
    for h in set {
        let Some(list) = postings.get(h) else {
            continue;
        };
        if list.len() > MAX_POSTING {
            continue;
        }
        out.extend(list.iter().copied().filter(|&j| j != i));
        used += 1;
        if used == SKETCH {
            break;
        }
    }
    out
}

fn intersection(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let common = intersection(a, b);
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(n: usize, seed: &str) -> String {
        (0..n)
            .map(|i| format!("{seed}{}", i * 7 % 101))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_letter_with_a_small_edit_is_a_near_copy_of_the_first() {
        let original = letter(200, "w");
        let edited = original.replacen("w14", "changed", 1);
        let other = letter(200, "z");
        let sets = vec![shingles(&original), shingles(&other), shingles(&edited)];
        let links = near_copies(&sets);
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!((links[0].0, links[0].1), (2, 0));
        assert!(matches!(links[0].2, Nearness::Copy { .. }));
    }

    #[test]
    fn an_earlier_mail_quoted_in_a_reply_is_marked_against_the_reply() {
        let earlier = letter(120, "q");
        let reply = format!("{} wrote on Monday: {earlier}", letter(80, "r"));
        let sets = vec![shingles(&earlier), shingles(&reply)];
        let links = near_copies(&sets);
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!((links[0].0, links[0].1), (0, 1));
        assert!(matches!(links[0].2, Nearness::Quoted { .. }));
    }

    #[test]
    fn short_template_notes_are_never_near_copies() {
        let a = shingles("Phone call to carer, no answer, message left to call back.");
        let sets = vec![a.clone(), a];
        assert!(near_copies(&sets).is_empty());
    }
}
