//! Passages for a reviewer's judgement: material that may be withheld on other grounds than
//! third-party data (serious harm, health, crime, legal privilege, court, adoption, a child's
//! expectations). They are never withheld automatically: the proposal is a `flag` on the
//! trigger phrase with the suggested code, and the reviewer reads the passage around it.
//! Only the trigger phrase is marked, so a flag does not hide the names and places around it.

use super::normalize::Folded;
use super::words::{self, Phrases};
use super::{Action, Category, Proposal, ReasonCode};

/// Trigger phrases (folded) and the code each suggests.
const TRIGGERS: &[(&str, ReasonCode)] = &[
    // SH: serious harm (a social-work opinion is needed before disclosure).
    ("serious harm", ReasonCode::SH),
    ("risk of serious harm", ReasonCode::SH),
    ("would be harmful", ReasonCode::SH),
    ("distressing to", ReasonCode::SH),
    ("suicidal", ReasonCode::SH),
    ("threats to kill", ReasonCode::SH),
    // HE: health data (a health professional's recent opinion is needed).
    ("gp report", ReasonCode::HE),
    ("health assessment", ReasonCode::HE),
    ("medical report", ReasonCode::HE),
    ("paediatrician", ReasonCode::HE),
    ("paediatric assessment", ReasonCode::HE),
    ("psychiatric", ReasonCode::HE),
    ("psychiatrist", ReasonCode::HE),
    ("psychologist's report", ReasonCode::HE),
    ("diagnosis", ReasonCode::HE),
    ("diagnosed", ReasonCode::HE),
    ("health visitor report", ReasonCode::HE),
    ("mental health assessment", ReasonCode::HE),
    ("medication", ReasonCode::HE),
    // CR: crime (police information whose disclosure could prejudice an investigation).
    ("police intelligence", ReasonCode::CR),
    ("intelligence report", ReasonCode::CR),
    ("criminal investigation", ReasonCode::CR),
    ("ongoing investigation", ReasonCode::CR),
    ("police investigation", ReasonCode::CR),
    ("under investigation", ReasonCode::CR),
    ("arrested", ReasonCode::CR),
    ("released on bail", ReasonCode::CR),
    ("released under investigation", ReasonCode::CR),
    ("charged with", ReasonCode::CR),
    ("pnc check", ReasonCode::CR),
    ("marac", ReasonCode::CR),
    // LP: legal professional privilege.
    ("legal advice", ReasonCode::LP),
    ("legal planning meeting", ReasonCode::LP),
    ("legal gateway meeting", ReasonCode::LP),
    ("legal services advised", ReasonCode::LP),
    ("solicitor advised", ReasonCode::LP),
    ("counsel's opinion", ReasonCode::LP),
    ("counsel's advice", ReasonCode::LP),
    ("legally privileged", ReasonCode::LP),
    ("privileged and confidential", ReasonCode::LP),
    // CO: court material in children proceedings.
    ("court bundle", ReasonCode::CO),
    ("care proceedings", ReasonCode::CO),
    ("interim care order", ReasonCode::CO),
    ("care order", ReasonCode::CO),
    ("supervision order", ReasonCode::CO),
    ("expert report", ReasonCode::CO),
    ("position statement", ReasonCode::CO),
    ("judgment", ReasonCode::CO),
    ("family court", ReasonCode::CO),
    ("court directions", ReasonCode::CO),
    ("final hearing", ReasonCode::CO),
    ("pre-proceedings", ReasonCode::CO),
    // AD: adoption records.
    ("adoption", ReasonCode::AD),
    ("adoptive", ReasonCode::AD),
    ("adopters", ReasonCode::AD),
    ("adopted", ReasonCode::AD),
    ("placement order", ReasonCode::AD),
    ("later life letter", ReasonCode::AD),
    // EW: what a child said expecting it would not reach a parent.
    ("asked me not to tell", ReasonCode::EW),
    ("asked us not to tell", ReasonCode::EW),
    ("does not want mum to know", ReasonCode::EW),
    ("does not want dad to know", ReasonCode::EW),
    ("doesn't want mum to know", ReasonCode::EW),
    ("doesn't want dad to know", ReasonCode::EW),
    ("don't tell mum", ReasonCode::EW),
    ("don't tell dad", ReasonCode::EW),
    ("told in confidence", ReasonCode::EW),
    ("in confidence", ReasonCode::EW),
];

/// The trigger phrases (looked up only where a trigger's first word starts).
pub struct Judgement {
    triggers: Phrases,
}

impl Default for Judgement {
    fn default() -> Self {
        Self::new()
    }
}

impl Judgement {
    pub fn new() -> Judgement {
        Judgement {
            triggers: Phrases::new(TRIGGERS.iter().map(|(t, _)| *t)),
        }
    }

    /// Whether a trigger may begin with the folded word of this [`words::word_hash`].
    #[inline]
    pub(crate) fn may_start(&self, hash: u64) -> bool {
        self.triggers.may_start(hash)
    }

    /// One `flag` proposal per trigger phrase.
    pub fn find(&self, folded: &Folded<'_>) -> Vec<Proposal> {
        let starts = words::starts_where(&folded.text, |hash| self.may_start(hash));
        self.find_at(folded, &starts)
    }

    /// [`Judgement::find`], given the folded text's word starts that pass
    /// [`Judgement::may_start`].
    pub(crate) fn find_at(&self, folded: &Folded<'_>, starts: &[usize]) -> Vec<Proposal> {
        let text = folded.original();
        self.triggers
            .matches(&folded.text, starts.iter().copied())
            .into_iter()
            .map(|m| {
                let (start, end) = folded.original_range(m.start, m.end);
                let code = TRIGGERS[m.phrase].1;
                Proposal {
                    start,
                    end,
                    text: text[start..end].to_string(),
                    category: Category::Judgement,
                    action: Action::Flag,
                    code,
                    detector: "judgement.trigger",
                    entity: format!("flag:{code}"),
                    confidence: 0.5,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_trigger_phrases_with_codes() {
        let j = Judgement::new();
        let text = "Kent Police shared POLICE  INTELLIGENCE. Legal advice was sought.";
        let props = j.find(&Folded::new(text));
        let codes: Vec<_> = props.iter().map(|p| (p.text.as_str(), p.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("POLICE  INTELLIGENCE", ReasonCode::CR),
                ("Legal advice", ReasonCode::LP)
            ]
        );
        assert!(props.iter().all(|p| p.action == Action::Flag));
    }
}
