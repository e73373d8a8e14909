//! The bundle's words and choices: `config/bundle.toml`, built in, overridable per authority.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::BundleError;

const BUILT_IN: &str = include_str!("../../../config/bundle.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct BundleConfig {
    pub authority: Authority,
    pub boxes: Boxes,
    pub letter: Letter,
    /// Reason code → plain-English explanation.
    pub codes: BTreeMap<String, String>,
    pub gaps: Gaps,
    #[serde(default)]
    pub signposting: Vec<Signpost>,
    #[serde(default)]
    pub glossary: Vec<GlossaryTerm>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Authority {
    pub name: String,
    #[serde(default)]
    pub address: Vec<String>,
    pub email: String,
    pub phone: String,
    pub dpo: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Boxes {
    pub care_leaver: BoxColour,
    pub other: BoxColour,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BoxColour {
    PaleGrey,
    Black,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Letter {
    pub opening: Vec<String>,
    pub about_redactions: Vec<String>,
    pub closing: Vec<String>,
    pub supplementary: Vec<Supplementary>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Supplementary {
    pub heading: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Gaps {
    pub statement: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Signpost {
    pub name: String,
    pub detail: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GlossaryTerm {
    pub term: String,
    #[serde(default, rename = "match")]
    pub forms: Vec<String>,
    pub meaning: String,
}

impl BundleConfig {
    /// The configuration shipped in `config/bundle.toml`.
    pub fn built_in() -> BundleConfig {
        toml::from_str(BUILT_IN).expect("config/bundle.toml is valid (checked by a test)")
    }

    /// An authority's own template.
    pub fn from_file(path: &Path) -> Result<BundleConfig, BundleError> {
        let text = std::fs::read_to_string(path).map_err(|e| BundleError::Config {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| BundleError::Config {
            path: path.display().to_string(),
            detail: e.to_string(),
        })
    }

    /// The explanation of a code, or a generic line for a code the template does not know.
    pub fn explain(&self, code: &str) -> String {
        self.codes.get(code).cloned().unwrap_or_else(|| {
            "Information withheld under an exemption in the Data Protection Act 2018; ask us if you would like to know more.".into()
        })
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_template_parses_and_explains_every_domain_code() {
        let c = BundleConfig::built_in();
        for code in ["TP", "CS", "SH", "EW", "HE", "CR", "LP", "CO", "AD", "NR"] {
            assert!(c.codes.contains_key(code), "{code} has no explanation");
        }
        assert!(c.glossary.len() >= 20);
        assert!(c.signposting.iter().any(|s| s.name.contains("Become")));
        assert_eq!(c.boxes.care_leaver, BoxColour::PaleGrey);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("due by {due}.", &[("due", "1 May 2026".into())]),
            "due by 1 May 2026."
        );
    }
}
