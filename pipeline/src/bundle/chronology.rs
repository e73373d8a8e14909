//! Key events for a care leaver's chronology, recognised from a record's kind, title and opening
//! words: entering care, placements and moves, conferences, reviews, plans, court, leaving care.

/// A kind of key event, in the words the chronology prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    EnteringCare,
    Placement,
    Conference,
    Review,
    Plan,
    Court,
    LeavingCare,
}

impl Event {
    pub fn label(self) -> &'static str {
        match self {
            Event::EnteringCare => "Coming into care",
            Event::Placement => "Placement or move",
            Event::Conference => "Meeting",
            Event::Review => "Review",
            Event::Plan => "Plan",
            Event::Court => "Court",
            Event::LeavingCare => "Leaving care",
        }
    }
}

const ENTERING: &[&str] = &[
    "accommodated under section 20",
    "accommodated under s20",
    "section 20 agreement",
    "s20 agreement",
    "interim care order",
    "came into care",
    "became looked after",
    "admitted to care",
    "emergency protection order",
    "police protection",
];
const LEAVING: &[&str] = &[
    "leaving care",
    "pathway plan",
    "staying put",
    "care leaver",
    "personal adviser",
    "18th birthday",
    "independent living",
];

fn has_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The event a record stands for, if it is a key one. `kind` and `title` weigh most; the opening
/// of the body only tells entering and leaving care, which case notes record without a title.
pub fn classify(kind: &str, title: &str, body_opening: &str) -> Option<Event> {
    let head = format!("{} {}", kind.replace('_', " "), title).to_lowercase();
    let body = body_opening.to_lowercase();
    if LEAVING.iter().any(|k| has_word(&head, k)) {
        return Some(Event::LeavingCare);
    }
    if ENTERING
        .iter()
        .any(|k| has_word(&head, k) || has_word(&body, k))
    {
        return Some(Event::EnteringCare);
    }
    if ["placement", "moved placement", "move to", "placed with"]
        .iter()
        .any(|k| has_word(&head, k))
    {
        return Some(Event::Placement);
    }
    if ["court", "hearing", "proceedings", "judgment"]
        .iter()
        .any(|k| has_word(&head, k))
    {
        return Some(Event::Court);
    }
    if [
        "conference",
        "icpc",
        "rcpc",
        "core group",
        "strategy meeting",
        "strategy discussion",
        "family group",
    ]
    .iter()
    .any(|k| has_word(&head, k))
    {
        return Some(Event::Conference);
    }
    if ["review", "lac review", "cla review"]
        .iter()
        .any(|k| has_word(&head, k))
    {
        return Some(Event::Review);
    }
    if ["plan", "care plan"].iter().any(|k| has_word(&head, k)) {
        return Some(Event::Plan);
    }
    if LEAVING.iter().any(|k| has_word(&body, k)) && has_word(&head, "pathway") {
        return Some(Event::LeavingCare);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_events_are_recognised_from_kind_title_and_opening() {
        assert_eq!(classify("review", "CLA review", ""), Some(Event::Review));
        assert_eq!(
            classify(
                "conference_minutes",
                "Initial child protection conference",
                ""
            ),
            Some(Event::Conference)
        );
        assert_eq!(
            classify("plan", "Pathway plan", ""),
            Some(Event::LeavingCare)
        );
        assert_eq!(classify("plan", "Care plan", ""), Some(Event::Plan));
        assert_eq!(
            classify(
                "case_note",
                "Home visit",
                "Jo was accommodated under section 20 today."
            ),
            Some(Event::EnteringCare)
        );
        assert_eq!(
            classify("case_note", "Placement move", ""),
            Some(Event::Placement)
        );
        assert_eq!(
            classify("case_note", "Home visit", "We talked about school."),
            None
        );
        // Whole words only: "planned" is not a plan, "reviewed" not a review.
        assert_eq!(
            classify("case_note", "Planned visit, notes reviewed", ""),
            None
        );
    }
}
