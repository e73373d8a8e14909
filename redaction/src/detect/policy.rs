//! The detection policy: what each role's names get, which relationships' names may be
//! disclosed, and terms to always or never redact. Loaded from the `[detection]` section of a
//! TOML file (`config/default.toml`); the defaults are built in.

use serde::Deserialize;

use super::normalize::{Folded, fold_pattern, is_whole_word};
use super::{Action, Category, Proposal, ReasonCode};

/// The built-in `config/default.toml`; only its `[detection]` section is read here.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// Why a policy could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("the [detection] policy is not valid TOML or has a wrong key: {0}")]
    Toml(String),
}

/// Detection policy (the `[detection]` section).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Action for names and identifiers of citizens other than the subject (TP).
    pub third_party: Action,
    /// Action for referrers' and informants' identities (CS).
    pub referrer: Action,
    /// Action for a name shared by a third party and the subject or a worker.
    pub ambiguous: Action,
    /// Relationship types (as the export records them, case-insensitive) whose names may be
    /// disclosed to this requester, e.g. `["mother", "father"]` for a care leaver. Their
    /// identifiers are still redacted.
    pub disclose_relationships: Vec<String>,
    /// Terms always proposed for redaction wherever they occur (whole words, any case).
    pub always_redact: Vec<String>,
    /// Terms never proposed (whole words, any case): e.g. a team named after a person.
    pub never_redact: Vec<String>,
    /// Flag passages for judgement (SH, HE, CR, LP, CO, AD, EW).
    pub flags: bool,
    /// Near-misspellings (edit distance 1) are matched for names at least this long.
    pub fuzzy_min_len: usize,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            third_party: Action::Redact,
            referrer: Action::Redact,
            ambiguous: Action::Review,
            disclose_relationships: Vec::new(),
            always_redact: Vec::new(),
            never_redact: Vec::new(),
            flags: true,
            fuzzy_min_len: 5,
        }
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    detection: Option<toml::Value>,
}

impl Policy {
    /// The built-in policy (the `[detection]` section of the shipped `config/default.toml`).
    pub fn built_in() -> Policy {
        Policy::from_toml(DEFAULT_TOML).unwrap_or_default()
    }

    /// Reads the `[detection]` section of a TOML document; other sections are ignored and a
    /// missing section gives the defaults.
    pub fn from_toml(doc: &str) -> Result<Policy, PolicyError> {
        let file: File = toml::from_str(doc).map_err(|e| PolicyError::Toml(e.to_string()))?;
        match file.detection {
            None => Ok(Policy::default()),
            Some(v) => v
                .try_into()
                .map_err(|e: toml::de::Error| PolicyError::Toml(e.to_string())),
        }
    }

    pub(crate) fn discloses_relationship(&self, kind: &str) -> bool {
        self.disclose_relationships
            .iter()
            .any(|r| r.eq_ignore_ascii_case(kind.trim()))
    }

    pub(crate) fn is_never_redact(&self, folded: &str) -> bool {
        self.never_redact.iter().any(|t| fold_pattern(t) == folded)
    }

    /// Drops proposals of never-redact terms and adds always-redact ones.
    pub(crate) fn apply_terms(&self, folded: &Folded<'_>, props: &mut Vec<Proposal>) {
        if !self.never_redact.is_empty() {
            let never: Vec<String> = self.never_redact.iter().map(|t| fold_pattern(t)).collect();
            props.retain(|p| p.action == Action::Flag || !never.contains(&fold_pattern(&p.text)));
        }
        for term in &self.always_redact {
            let t = fold_pattern(term);
            if t.is_empty() {
                continue;
            }
            for (at, _) in folded.text.match_indices(&t) {
                if !is_whole_word(&folded.text, at, at + t.len()) {
                    continue;
                }
                let (start, end) = folded.original_range(at, at + t.len());
                props.push(Proposal {
                    start,
                    end,
                    text: folded.original()[start..end].to_string(),
                    category: Category::ThirdPartyName,
                    action: Action::Redact,
                    code: ReasonCode::TP,
                    detector: "policy.always_redact",
                    entity: format!("term:{t}"),
                    confidence: 1.0,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_policy_parses_and_overrides_work() {
        let p = Policy::from_toml(DEFAULT_TOML).expect("shipped default.toml parses");
        assert_eq!(p.third_party, Action::Redact);
        let p = Policy::from_toml(
            "[detection]\ndisclose_relationships = [\"mother\"]\nambiguous = \"redact\"\n",
        )
        .unwrap();
        assert!(p.discloses_relationship("Mother"));
        assert_eq!(p.ambiguous, Action::Redact);
        assert!(Policy::from_toml("[detection]\nno_such_key = 1\n").is_err());
        assert!(Policy::from_toml("[other]\nx = 1\n").is_ok());
    }
}
