//! Property tests: proposals always lie on UTF-8 boundaries inside the text, and every
//! occurrence of a known third party's full name is proposed whatever its case and spacing.

use proptest::prelude::*;
use sar_redaction::detect::{Action, Detector, Person, PersonKind, Policy};

fn person(id: &str, name: &str, kind: PersonKind) -> Person {
    Person {
        id: id.into(),
        name: name.into(),
        kind: Some(kind),
        ..Person::default()
    }
}

fn detector() -> Detector {
    let people = vec![
        person("S1", "Jordan Reid", PersonKind::Citizen),
        person("P2", "Karen Anne Reid", PersonKind::Citizen),
        person("P3", "Renée Okafor-Smith", PersonKind::Citizen),
        person("W1", "Priya Shah", PersonKind::Worker),
    ];
    Detector::new(people, &[], "S1", Policy::default()).unwrap()
}

/// A full name written with random case per letter and random whitespace between words.
fn spelled(name: &'static str) -> impl Strategy<Value = String> {
    let words: Vec<&'static str> = name.split(' ').collect();
    let n = words.len();
    (
        proptest::collection::vec(any::<bool>(), 40),
        proptest::collection::vec(
            prop_oneof![
                Just(" "),
                Just("  "),
                Just("\n"),
                Just(" \r\n "),
                Just("\t")
            ],
            n,
        ),
    )
        .prop_map(move |(caps, gaps)| {
            let mut out = String::new();
            let mut k = 0;
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    out.push_str(gaps[i]);
                }
                for (j, c) in w.chars().enumerate() {
                    // Keep the first letter capitalised or the whole name upper case: a name
                    // written all lower case is only matched as a full name.
                    let upper = j == 0 || caps[k % caps.len()];
                    k += 1;
                    if upper {
                        out.extend(c.to_uppercase());
                    } else {
                        out.extend(c.to_lowercase());
                    }
                }
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn offsets_are_on_char_boundaries(text in "\\PC{0,300}") {
        let d = detector();
        for p in d.detect(&text) {
            prop_assert!(p.start < p.end && p.end <= text.len());
            prop_assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
            prop_assert_eq!(&text[p.start..p.end], p.text.as_str());
        }
    }

    #[test]
    fn offsets_are_on_char_boundaries_around_names(
        pre in "[a-zé ,.\n’]{0,20}", name in spelled("Renée Okafor-Smith"), post in "[a-zé ,.\n’']{0,20}"
    ) {
        let text = format!("{pre}{name}{post}");
        for p in detector().detect(&text) {
            prop_assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
        }
    }

    #[test]
    fn every_full_name_occurrence_is_proposed(
        a in spelled("Karen Anne Reid"), b in spelled("Karen Reid"), c in spelled("Renée Okafor-Smith"),
        filler in "(the visit went well\\. |she said |and then |, )*"
    ) {
        let text = format!("Visited {a} at home{filler}. Later {b} rang; {c}'s car was outside.");
        let props = detector().detect(&text);
        for target in [&a, &b, &c] {
            let at = text.find(target.as_str()).unwrap();
            let end = at + target.len();
            // Every byte of the name is inside a redacting proposal.
            let mut pos = at;
            let mut ranges: Vec<_> = props.iter().filter(|p| p.action == Action::Redact).map(|p| (p.start, p.end)).collect();
            ranges.sort();
            for (s, e) in ranges {
                if s <= pos && e > pos { pos = e; }
            }
            // Whitespace between words need not be covered, only every word.
            let uncovered: String = text[pos.min(end)..end].chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert!(pos >= end || uncovered.is_empty() || props.iter().any(|p| p.start <= at && p.end >= end),
                "name {:?} not covered in {:?}: {:?}", target, text, props);
        }
    }
}
