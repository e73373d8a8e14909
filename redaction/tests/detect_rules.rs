//! Detection rules on small hand-written texts: roles, variants, identifiers, unknown
//! people, lookalikes, flags.

use sar_redaction::detect::{
    Action, Category, Detector, Person, PersonKind, Policy, ReasonCode, Relationship,
};

fn people() -> Vec<Person> {
    vec![
        Person {
            id: "S1".into(),
            name: "Jordan Alex Reid".into(),
            aliases: vec!["JJ".into()],
            gender: Some("male".into()),
            dob: Some("2004-03-12".into()),
            kind: Some(PersonKind::Citizen),
            address: vec!["14 Elm Road, Chatham ME4 5XX".into()],
            phone: vec!["07700 900074".into()],
            nhs_number: vec!["943 476 5919".into()],
            ..Person::default()
        },
        Person {
            id: "P2".into(),
            name: "Karen Reid".into(),
            gender: Some("female".into()),
            dob: Some("1980-05-10".into()),
            kind: Some(PersonKind::Citizen),
            phone: vec!["07700 900622".into()],
            ..Person::default()
        },
        Person {
            id: "W1".into(),
            name: "Priya Shah".into(),
            kind: Some(PersonKind::Worker),
            phone: vec!["0161 496 0376".into()],
            ..Person::default()
        },
    ]
}

fn detector(policy: Policy) -> Detector {
    let rels = vec![Relationship {
        from: "S1".into(),
        to: "P2".into(),
        kind: "mother".into(),
    }];
    Detector::new(people(), &rels, "S1", policy).unwrap()
}

fn redacted(text: &str) -> Vec<String> {
    detector(Policy::default())
        .detect(text)
        .into_iter()
        .filter(|p| matches!(p.action, Action::Redact | Action::Review))
        .map(|p| p.text)
        .collect()
}

#[test]
fn roles_decide() {
    let r = redacted(
        "Priya Shah visited Jordan and Karen. KAREN'S flat was tidy; Mrs Reid said JJ was fine.",
    );
    assert_eq!(r, vec!["Karen", "KAREN", "Mrs Reid"]);
}

#[test]
fn variants_of_known_names() {
    let r = redacted("Spoke to Karen\n  Reid and to Ms K. Reid; Karren rang later.");
    assert_eq!(r, vec!["Karen\n  Reid", "Ms K. Reid", "Karren"]);
}

#[test]
fn identifiers_are_redacted_unless_the_subjects() {
    let r = redacted(
        "Jordan's phone 07700 900074, NHS 943 476 5919. Karen on 07700900622 or +44 7700 900123; \
         worker line 0161 496 0376. Car HF15 MZT. Karen (DOB 10/05/1980) lives at 119 Quince Road, Gillingham ME8 5JE.",
    );
    assert!(r.contains(&"07700900622".to_string()));
    assert!(r.contains(&"+44 7700 900123".to_string()));
    assert!(r.contains(&"HF15 MZT".to_string()));
    assert!(r.contains(&"10/05/1980".to_string()));
    assert!(r.contains(&"119 Quince Road, Gillingham ME8 5JE".to_string()));
    assert!(
        !r.iter()
            .any(|t| t.contains("900074") || t.contains("5919") || t.contains("0376"))
    );
}

/// A request detected in batches (names learnt over every text first, then each batch on a
/// fresh detector given those names) gets exactly what one pass over the whole request gets.
#[test]
fn batches_with_the_learnt_names_match_the_whole_request() {
    let texts = [
        "Jordan talked about his friend Quorra and mum's new partner Darren Price.",
        "Will speak to the school in the Summer term. Darren was not there; Keira's mum rang.",
        "Referral from neighbour Marcia Quayle about noise.",
        "Later Quorra rang again. Karen Reid says Darren has moved out.",
    ];
    let whole = detector(Policy::default()).detect_all(&texts);

    let mut learner = detector(Policy::default());
    learner.learn(texts.to_vec());
    let learnt = learner.learnt_names();
    assert!(learnt.iter().any(|n| n == "quorra"), "{learnt:?}");
    let mut batched = Vec::new();
    for batch in texts.chunks(2) {
        let mut d = detector(Policy::default());
        d.add_learnt_names(learnt.clone());
        batched.extend(batch.iter().map(|t| d.detect(t)));
    }
    assert_eq!(batched, whole);
    // Without the learnt names, the second batch misses "Quorra", learnt in the first.
    let alone = detector(Policy::default()).detect(texts[3]);
    assert_ne!(alone, whole[3]);
}

#[test]
fn unknown_people_and_lookalikes() {
    let mut d = detector(Policy::default());
    let texts = [
        "Jordan talked about his friend Keira and mum's new partner Darren Price.",
        "Will speak to the school in the Summer term. Darren was not there; Keira's mum rang.",
        "Victoria Road is near Shirley Health Centre and Medway Council offices.",
        "See Page 3 of the plan; the meeting was in Room 4, Hall 2.",
    ];
    let all = d.detect_all(&texts);
    let names: Vec<Vec<&str>> = all
        .iter()
        .map(|ps| {
            ps.iter()
                .filter(|p| p.category == Category::ThirdPartyName && p.action == Action::Redact)
                .map(|p| p.text.as_str())
                .collect()
        })
        .collect();
    assert_eq!(names[0], vec!["Keira", "Darren Price"]);
    assert_eq!(names[1], vec!["Darren", "Keira"]);
    assert!(names[2].is_empty(), "{:?}", names[2]);
    assert!(
        names[3].is_empty(),
        "a numbered label is not a name: {:?}",
        names[3]
    );
}

#[test]
fn referrers_are_confidential_sources() {
    let props = detector(Policy::default()).detect("Referral from Colin about the noise.");
    assert!(props.iter().any(|p| p.text == "Colin"
        && p.code == ReasonCode::CS
        && p.category == Category::Referrer));
}

#[test]
fn policy_can_disclose_a_relationship() {
    let policy = Policy::from_toml("[detection]\ndisclose_relationships = [\"mother\"]\n").unwrap();
    let props = detector(policy).detect("Karen Reid rang from 07700 900622.");
    let texts: Vec<&str> = props
        .iter()
        .filter(|p| p.action == Action::Redact)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(texts, vec!["07700 900622"]);
}

#[test]
fn judgement_flags_are_not_redactions() {
    let props = detector(Policy::default())
        .detect("Police intelligence was shared. Legal advice was sought.");
    assert_eq!(props.len(), 2);
    assert!(
        props
            .iter()
            .all(|p| p.action == Action::Flag && p.category == Category::Judgement)
    );
}
