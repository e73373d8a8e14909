//! Record wording: titles and sentence templates per kind of record, filled from the people a
//! record is about. Filling a template notes every third-party string it plants, which becomes
//! the ground truth in `generator.json`.

use std::collections::BTreeSet;

use super::rng::Rng;

/// The values templates can name, each marked as third-party data (of anyone but the subject,
/// not acting as a professional) or not.
#[derive(Debug, Clone, Default)]
pub struct Slots {
    values: Vec<(&'static str, String, bool)>,
}

impl Slots {
    pub fn set(&mut self, key: &'static str, value: impl Into<String>, third_party: bool) {
        self.values.retain(|(k, _, _)| *k != key);
        self.values.push((key, value.into(), third_party));
    }

    fn get(&self, key: &str) -> Option<(&str, bool)> {
        self.values
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, t)| (v.as_str(), *t))
    }
}

/// Fills `{key}` placeholders; `None` when the record has nobody for one of them.
pub fn fill(template: &str, slots: &Slots, planted: &mut BTreeSet<String>) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut newly = Vec::new();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let (value, third_party) = slots.get(&rest[open + 1..close])?;
        out.push_str(value);
        if third_party {
            newly.push(value.to_string());
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    planted.extend(newly);
    Some(out)
}

/// Picks templates until one can be filled (most can; some need a carer or a sibling).
pub fn sentence(
    rng: &mut Rng,
    pool: &[&str],
    slots: &Slots,
    planted: &mut BTreeSet<String>,
) -> String {
    for _ in 0..12 {
        let template: &&str = rng.pick(pool);
        if let Some(s) = fill(template, slots, planted) {
            return s;
        }
    }
    // Every pool ends with templates that need only the child and the worker.
    fill(pool[pool.len() - 1], slots, planted).unwrap_or_default()
}

/// Wording for one kind of record.
pub struct Kind {
    pub kind: &'static str,
    pub titles: &'static [&'static str],
    /// First sentence: always names the child the record is about (`{c}`).
    pub openings: &'static [&'static str],
    pub body: &'static [&'static str],
}

/// How a letter or an email ends (`None` for notes).
pub fn sign_off(kind: &str, worker: &str) -> Option<String> {
    match kind {
        "letter" => Some(format!("Yours sincerely,\n{worker}")),
        "email" => Some(format!("Thanks,\n{worker}")),
        _ => None,
    }
}

pub fn wording(kind: &str) -> &'static Kind {
    KINDS.iter().find(|k| k.kind == kind).unwrap_or(&KINDS[0])
}

/// Sentences any record may use; the last ones need only `{c}` and `{worker}`.
pub const GENERAL: &[&str] = &[
    "{mum} said things had been difficult since {newp} moved in and that {c} does not get on with him.",
    "{c} said {pro} misses {sib} and would like to see {sib} more often.",
    "{nan} continues to help with school runs and has {c} to stay most weekends.",
    "{mum} was tearful and said she is not sleeping; she agreed to see her GP.",
    "A neighbour, {nbr}, told {mum} she had heard shouting late at night.",
    "{c}'s friend {mate} was present for part of the visit and left when asked.",
    "{dad} has not been in touch for several months; his last known number is {dad_phone}.",
    "{mum} can be contacted on {mum_phone}.",
    "The family home at {home} was tidy and there was food in the fridge.",
    "{partner} was at the property and declined to speak with me.",
    "{carer_title} reported that {c} has settled well and is eating better.",
    "{pchild}, who also lives in the placement, gets on well with {c}.",
    "{c} attends {school}; attendance this term is {pct}%.",
    "{c} spoke about {friend}, a friend from school, and said they play football together.",
    "{mum} said {newp} has a temper when he drinks and that she asked him to leave.",
    "{nbr2} from next door has been helping {mum} with shopping.",
    "{c} showed me {pos} bedroom and the drawings on the wall.",
    "I explained my role and the reason for the visit to {c}.",
    "Next steps agreed with {c}; {worker} to follow up within two weeks.",
];

const KINDS: &[Kind] = &[
    Kind {
        kind: "case_note",
        titles: &[
            "Home visit",
            "Statutory visit",
            "Telephone call",
            "Visit - child seen alone",
            "School liaison",
            "Duty call",
        ],
        openings: &[
            "Visited {c} at home. {mum} let me in and {c} was in the living room.",
            "Statutory visit to {c} in placement with {carer_title}.",
            "Telephone call with {mum} about {c}.",
            "Saw {c} alone in {pos} room; {pro} was happy to talk.",
            "Visited {c} at home after school.",
        ],
        body: GENERAL,
    },
    Kind {
        kind: "contact",
        titles: &[
            "Contact record",
            "Referral",
            "Police notification - domestic incident",
            "Anonymous referral",
            "MASH enquiry",
        ],
        openings: &[
            "Referral received about {c} from {school}.",
            "Police notification from {police}: officers attended {home} following a report of a domestic incident; {c} was present.",
            "Anonymous caller raised concerns about {c} being left alone at {home}.",
            "MASH enquiry concerning {c}, born {c_dob}.",
        ],
        body: &[
            "Caller said {mum} and {partner} were heard arguing in the street.",
            "Officers spoke to {newp}, who left the address before arrest.",
            "The referrer gave their number as {ref_phone} and asked not to be named to the family.",
            "{mum} told officers that {c} and {sib} were asleep upstairs.",
            "Checks show {c} is known to the service; the allocated worker is {sw}.",
            "Decision: progress to strategy discussion; {worker} to inform the team manager.",
        ],
    },
    Kind {
        kind: "conference_minutes",
        titles: &[
            "Initial Child Protection Conference minutes",
            "Review Child Protection Conference minutes",
            "Core group meeting",
        ],
        openings: &[
            "Conference held about {c} (born {c_dob}). Chair: {worker}.",
            "Review conference for {c}. Present: {mum}, {sw}, {teacher}, {gp}.",
        ],
        body: &[
            "Worries: {mum}'s relationship with {newp} and reports of violence at {home}.",
            "What's working well: {nan} provides regular care and {c} is attending {school}.",
            "{dad} did not attend; he was invited by letter.",
            "{mum} said she has ended the relationship with {partner}.",
            "The conference decided that {c} should be the subject of a child protection plan under the category of neglect.",
            "Next steps: core group to meet within ten working days; {sw} to complete direct work with {c}.",
        ],
    },
    Kind {
        kind: "review",
        titles: &[
            "Looked After Child review",
            "LAC review",
            "Child looked after review record",
        ],
        openings: &[
            "Review of {c}'s care plan, chaired by {iro}.",
            "Looked after review for {c}. Present: {carer_title}, {sw}, {iro}.",
        ],
        body: &[
            "{c} has been living with {carer} and {carer2} since the last review.",
            "{c} said {pro} wants family time with {mum} and {sib} every fortnight.",
            "{carer_title} reported that {c} is doing well at {school}.",
            "{c}'s health assessment is up to date; {gp} has no concerns.",
            "The IRO agreed the care plan; {c} to remain in placement.",
        ],
    },
    Kind {
        kind: "placement",
        titles: &[
            "Placement move",
            "Placement notification",
            "Placement planning meeting",
        ],
        openings: &[
            "{c} moved to a new placement with {carer_title} today.",
            "Placement planning meeting for {c} with {carer} and {sw}.",
        ],
        body: &[
            "The previous placement ended after {c} went missing twice.",
            "{carer}'s address is {carer_home}.",
            "{pchild} already lives in the placement and is a similar age to {c}.",
            "{mum} was informed of the move by telephone on {mum_phone}.",
            "{c} took {pos} belongings in two bags; {sw} to collect the rest.",
        ],
    },
    Kind {
        kind: "pathway_plan",
        titles: &[
            "Pathway plan",
            "Pathway plan review",
            "Leaving care needs assessment",
        ],
        openings: &[
            "Pathway plan for {c}, completed with {pa}.",
            "Pathway plan review with {c} and {pa}.",
        ],
        body: &[
            "Accommodation: {c} would like to stay with {carer_title} under Staying Put.",
            "Education: {c} has started a college course and wants to train as a mechanic.",
            "Relationships: {c} is in touch with {sib} and sees {nan} most weeks.",
            "{c} is no longer in contact with {mum}, who moved away with {newp}.",
            "Money: {c} has a bank account and has applied for a bursary.",
            "{pa} will visit every eight weeks and is available by phone.",
        ],
    },
    Kind {
        kind: "letter",
        titles: &[
            "Letter to parent",
            "Letter re: family time",
            "Letter to GP",
            "Letter of invitation",
        ],
        openings: &[
            "Dear {mum_title},\nI am writing about {c}.",
            "Dear {gp},\nRe: {c}, date of birth {c_dob}.",
        ],
        body: &[
            "Family time with {c} will take place at the family centre on Saturdays.",
            "Please let {sw} know if you cannot attend; the office number is {office_phone}.",
            "A copy of this letter has been sent to {dad} at {dad_address}.",
        ],
    },
    Kind {
        kind: "email",
        titles: &[
            "Update",
            "RE: family time",
            "FW: school concerns",
            "Meeting notes",
            "Pathway plan - next steps",
        ],
        openings: &[
            "Hi, a quick update about {c}.",
            "Following our conversation, {c} has been offered a place at the youth club.",
        ],
        body: &[
            "{mum} rang the office to say {c} had not come home last night.",
            "{teacher} says {c}'s attendance has improved.",
            "{nan} has offered to have {c} and {sib} over the holidays.",
        ],
    },
    Kind {
        kind: "assessment",
        titles: &[
            "Child and Family Assessment",
            "Single assessment",
            "Parenting assessment",
        ],
        openings: &[
            "Assessment of {c}'s needs, completed by {worker}.",
            "Child and family assessment for {c}, born {c_dob}, living at {home}.",
        ],
        body: &[
            "Family and environment: {c} lives with {mum}, {sib} and, some of the time, {partner}.",
            "{dad}'s contact has been irregular; he lives at {dad_address}.",
            "Parenting capacity: {mum} loves {c} but struggles with routines.",
            "Health: {c} is registered with {gp}; NHS number {c_nhs}.",
            "Analysis: the risks arise mainly from {newp}'s presence in the home.",
        ],
    },
    Kind {
        kind: "health",
        titles: &[
            "Initial health assessment",
            "Review health assessment",
            "Health visitor contact",
        ],
        openings: &[
            "Health assessment for {c} with {gp}.",
            "Health visitor contact about {c}.",
        ],
        body: &[
            "{c}'s immunisations are up to date.",
            "{carer_title} attended with {c} and brought the red book.",
            "{mum} reported that {c} has had a cough for two weeks.",
            "Referral to dental services made for {c}.",
        ],
    },
    Kind {
        kind: "education",
        titles: &[
            "Personal education plan",
            "School report",
            "Education welfare contact",
        ],
        openings: &[
            "Personal education plan meeting for {c} at {school}.",
            "School report received for {c}.",
        ],
        body: &[
            "{teacher} said {c} is making progress in reading.",
            "{c}'s UPN is {c_upn}.",
            "{c} has been in trouble with {mate} for leaving school at lunchtime.",
            "Pupil premium funding will pay for tutoring for {c}.",
        ],
    },
    Kind {
        kind: "strategy_discussion",
        titles: &["Strategy discussion", "Section 47 strategy meeting"],
        openings: &["Strategy discussion about {c} with {police} and {sw}."],
        body: &[
            "Information shared: {partner} has previous convictions for violence.",
            "{mum} has been asked to keep {newp} away from {c} and {sib}.",
            "Outcome: section 47 enquiries to be completed by {worker}.",
        ],
    },
];
