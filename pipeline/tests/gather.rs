//! Gathering: over every labelled dev request (recall and precision against the labels, with the
//! misses printed), and on small exports built in code (namesakes, aliases, case and whitespace
//! variants, copies, scope).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sar_pipeline::export::{Body, Export, Person, Record, Relationship};
use sar_pipeline::gather::{
    Copy, ExclusionReason, GatherInput, Gathered, Reason, RecordBody, ReviewReason, Scope, gather,
    read_body,
};
use sar_pipeline::ids::{PersonId, RecordId};
use serde_json::Value;

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if p.join("corpus/dev/requests").is_dir() {
        Some(p)
    } else {
        println!("SKIPPED: ../shared/corpus/dev not found beside the checkout");
        None
    }
}

/// Whether scans are read by OCR in this process. With `SAR_TEST_OCR` set (CI sets it), OCR
/// must work: the run fails loudly rather than pass without reading the scans.
fn ocr_available() -> bool {
    let ocr = sar_pipeline::stages::extract::options().ocr.as_ref();
    if ocr.is_none() && std::env::var_os("SAR_TEST_OCR").is_some() {
        panic!(
            "SAR_TEST_OCR is set but tesseract cannot be run: install Debian's tesseract-ocr \
             and tesseract-ocr-eng"
        );
    }
    ocr.is_some()
}

#[derive(Default)]
struct Totals {
    gather: usize,
    gathered: usize,
    via_review: usize,
    not_gather: usize,
    wrongly_gathered: usize,
    not_gather_in_review: usize,
}

#[test]
fn every_dev_request_gathers_what_its_labels_say() {
    let Some(shared) = shared() else { return };
    let dev = shared.join("corpus/dev");
    let ocr = ocr_available();
    if !ocr {
        println!(
            "SKIPPED in part: no OCR tool (tesseract), so scans that only mention the subject \
             cannot be found and go to review; set SAR_TEST_OCR=1 with tesseract installed"
        );
    }
    let mut requests: Vec<PathBuf> = std::fs::read_dir(dev.join("requests"))
        .expect("requests dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    requests.sort();
    assert!(!requests.is_empty(), "no requests under {}", dev.display());
    let mut totals = Totals::default();
    let mut failures = Vec::new();
    let mut exports: HashMap<String, (Export, HashMap<RecordId, RecordBody>, Value)> =
        HashMap::new();

    for request_path in &requests {
        let request: Value =
            serde_json::from_slice(&std::fs::read(request_path).expect("request")).expect("json");
        let export_name = request["export"].as_str().expect("export").to_string();
        let subject = PersonId::new(request["subject_person_id"].as_str().expect("subject"));
        let (export, bodies, labels) = exports.entry(export_name.clone()).or_insert_with(|| {
            let export = Export::open(dev.join("exports").join(&export_name)).expect("export");
            // In parallel: with OCR, each scan takes a good part of a second.
            let bodies = export
                .records
                .par_iter()
                .map(|r| (r.id.clone(), read_body(&export, r)))
                .collect();
            let labels: Value = serde_json::from_slice(
                &std::fs::read(dev.join("labels").join(format!("{export_name}.json")))
                    .expect("labels"),
            )
            .expect("labels json");
            (export, bodies, labels)
        });
        let scope = Scope::default();
        let result = gather(
            GatherInput {
                people: &export.people,
                relationships: &export.relationships,
                records: &export.records,
                subject: &subject,
                scope: &scope,
            },
            |r| bodies.get(&r.id).cloned(),
        )
        .expect("gather");
        let label = labels["subjects"]
            .as_array()
            .expect("subjects")
            .iter()
            .find(|s| s["subject_person_id"].as_str() == Some(subject.as_str()))
            .expect("labels for the subject");
        let failed = score_request(
            &export_name,
            &subject,
            &result,
            label,
            &labels["records"],
            &mut totals,
        );
        failures.extend(failed);
        assert_log_accounts_for_everything(&result);
    }
    println!(
        "TOTAL gather recall {}/{} gathered ({:.1}%), +{} put to review as unreadable; \
         not_gather wrongly gathered {}/{}, {} put to review",
        totals.gathered,
        totals.gather,
        100.0 * totals.gathered as f64 / totals.gather.max(1) as f64,
        totals.via_review,
        totals.wrongly_gathered,
        totals.not_gather,
        totals.not_gather_in_review,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if ocr {
        assert_eq!(
            totals.via_review, 0,
            "with OCR every scan is read, so none of the subject's records should be left to review"
        );
    }
}

/// Compares one request's result with its labels, prints the figures and misses, and returns
/// the failures.
fn score_request(
    export: &str,
    subject: &PersonId,
    result: &Gathered,
    label: &Value,
    record_labels: &Value,
    totals: &mut Totals,
) -> Vec<String> {
    let ids = |key: &str| -> Vec<String> {
        label[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let reason_of =
        |key: &str, id: &str| -> String { label[key][id].as_str().unwrap_or("?").to_string() };
    // Copies, either way round: collapsing one into the other is not an error.
    let mut copies: HashMap<String, HashSet<String>> = HashMap::new();
    if let Some(map) = record_labels.as_object() {
        for (id, rec) in map {
            if let Some(of) = rec["duplicate_of"].as_str() {
                copies.entry(id.clone()).or_default().insert(of.to_string());
                copies.entry(of.to_string()).or_default().insert(id.clone());
            }
        }
    }
    let in_result: HashSet<String> = result.all_ids().map(|r| r.as_str().to_string()).collect();
    let unreadable_review: HashSet<String> = result
        .needs_review
        .iter()
        .filter(|r| matches!(r.reason, ReviewReason::UnreadableOnConnectedFile { .. }))
        .map(|r| r.record.as_str().to_string())
        .collect();
    let any_review: HashSet<String> = result
        .needs_review
        .iter()
        .map(|r| r.record.as_str().to_string())
        .collect();
    let gather = ids("gather");
    let gather_set: HashSet<&String> = gather.iter().collect();
    let not_gather = ids("not_gather");

    let mut failures = Vec::new();
    let mut per_reason: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut got, mut via_review) = (0, 0);
    for id in &gather {
        let reason = reason_of("gather_reasons", id);
        let entry = per_reason.entry(reason.clone()).or_default();
        entry.1 += 1;
        let copy_in = copies
            .get(id)
            .is_some_and(|c| c.iter().any(|c| in_result.contains(c)));
        if in_result.contains(id) || copy_in {
            got += 1;
            entry.0 += 1;
        } else if unreadable_review.contains(id) {
            via_review += 1;
            println!("{export} {subject}: unreadable, put to review: {id} ({reason})");
        } else {
            failures.push(format!(
                "{export} {subject}: MISSED {id} ({reason}, file_of {})",
                record_labels[id]["file_of"].as_str().unwrap_or("?")
            ));
        }
    }
    let mut wrong = 0;
    let mut wrong_by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut review_not_gather = 0;
    for id in &not_gather {
        let reason = reason_of("not_gather_reasons", id);
        let copy_of_gathered = copies
            .get(id)
            .is_some_and(|c| c.iter().any(|c| gather_set.contains(c)));
        if in_result.contains(id) && !copy_of_gathered {
            wrong += 1;
            *wrong_by_reason.entry(reason.clone()).or_default() += 1;
            failures.push(format!(
                "{export} {subject}: WRONGLY GATHERED {id} ({reason}, file_of {})",
                record_labels[id]["file_of"].as_str().unwrap_or("?")
            ));
        } else if any_review.contains(id) {
            review_not_gather += 1;
        }
    }
    let mut review_kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &result.needs_review {
        let kind = match item.reason {
            ReviewReason::UnreadableOnConnectedFile { .. } => "unreadable_on_connected_file",
            ReviewReason::AmbiguousNamesake { .. } => "ambiguous_namesake",
            ReviewReason::WeakMentionUnconnected => "weak_mention_unconnected",
        };
        *review_kinds.entry(kind).or_default() += 1;
    }
    println!(
        "{export} {subject}: review by reason {review_kinds:?}, excluded by reason {:?}",
        result.log.excluded
    );
    println!(
        "{export} {subject}: gathered {got}/{} (+{via_review} unreadable put to review), \
         per reason {per_reason:?}; not_gather wrongly gathered {wrong}/{} {wrong_by_reason:?}, \
         {review_not_gather} put to review; result {} kept + {} copies, {} review, {} excluded, \
         precision {:.1}%",
        gather.len(),
        not_gather.len(),
        result.records.len(),
        result.duplicates.len(),
        result.needs_review.len(),
        result.excluded.len(),
        100.0 * (in_result.len() - wrong) as f64 / in_result.len().max(1) as f64,
    );
    totals.gather += gather.len();
    totals.gathered += got;
    totals.via_review += via_review;
    totals.not_gather += not_gather.len();
    totals.wrongly_gathered += wrong;
    totals.not_gather_in_review += review_not_gather;
    failures
}

/// The search log agrees with the result, and every unreadable gathered record is in it.
fn assert_log_accounts_for_everything(result: &Gathered) {
    let log = &result.log;
    assert_eq!(log.gathered, result.records.len());
    assert_eq!(log.exact_copies + log.near_copies, result.duplicates.len());
    assert_eq!(log.needs_review, result.needs_review.len());
    assert_eq!(
        log.excluded.values().sum::<usize>(),
        result.excluded.len(),
        "exclusions counted per reason"
    );
    let logged: HashSet<&RecordId> = log.unreadable.iter().map(|u| &u.record).collect();
    for record in result
        .records
        .iter()
        .chain(result.duplicates.iter().map(|d| &d.record))
    {
        if record.unreadable.is_some() {
            assert!(
                logged.contains(&record.record),
                "{} not logged",
                record.record
            );
        }
    }
    serde_json::to_string(log).expect("the search log serialises");
}

// ---- small exports built in code ----

fn person(id: &str, name: &str, aliases: &[&str]) -> Person {
    Person {
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        ..Person::citizen(id, name)
    }
}

fn edge(from: &str, to: &str, kind: &str) -> Relationship {
    Relationship {
        from: PersonId::new(from),
        to: PersonId::new(to),
        kind: kind.to_string(),
    }
}

fn note(id: &str, file_of: &str, date: &str, people: &[&str], text: &str) -> Record {
    Record {
        id: RecordId::new(id),
        kind: "case_note".to_string(),
        file_of: PersonId::new(file_of),
        date: date.to_string(),
        author: None,
        title: None,
        people: people.iter().map(|p| PersonId::new(*p)).collect(),
        body: Body::Text(text.to_string()),
        extra: Default::default(),
    }
}

/// Two families: the subject Amara Quist (alias "Amara Lindqvist", nickname "Mara") with her
/// mother and brother; and another Amara (Amara Voss) with her father.
struct World {
    people: Vec<Person>,
    relationships: Vec<Relationship>,
}

fn world() -> World {
    World {
        people: vec![
            person("S", "Amara Jane Quist", &["Amara Lindqvist", "Mara"]),
            person("MUM", "Odette Quist", &[]),
            person("BRO", "Tobias Quist", &[]),
            person("N", "Amara Voss", &[]),
            person("NDAD", "Reinhold Voss", &[]),
            person("OTHER", "Cyril Brandt", &[]),
        ],
        relationships: vec![
            edge("S", "MUM", "mother"),
            edge("S", "BRO", "sibling"),
            edge("N", "NDAD", "father"),
        ],
    }
}

fn run(
    world: &World,
    records: &[Record],
    bodies: &HashMap<&str, RecordBody>,
    scope: &Scope,
) -> Gathered {
    gather(
        GatherInput {
            people: &world.people,
            relationships: &world.relationships,
            records,
            subject: &PersonId::new("S"),
            scope,
        },
        |r| match &r.body {
            Body::Text(t) => Some(
                bodies
                    .get(r.id.as_str())
                    .cloned()
                    .unwrap_or_else(|| RecordBody::readable(t.clone())),
            ),
            Body::File(_) => bodies.get(r.id.as_str()).cloned(),
        },
    )
    .expect("gather")
}

fn ids(result: &Gathered) -> Vec<&str> {
    let mut out: Vec<&str> = result.all_ids().map(|r| r.as_str()).collect();
    out.sort();
    out
}

fn reasons(result: &Gathered, id: &str) -> Vec<Reason> {
    result
        .records
        .iter()
        .chain(result.duplicates.iter().map(|d| &d.record))
        .find(|r| r.record.as_str() == id)
        .map(|r| r.reasons.clone())
        .unwrap_or_default()
}

#[test]
fn own_file_linked_and_mentions_on_a_relatives_file() {
    let w = world();
    let records = vec![
        note("R1", "S", "2020-01-01", &[], "Visited at home."),
        note(
            "R2",
            "MUM",
            "2020-01-02",
            &["S"],
            "Mum seen with her daughter.",
        ),
        note("R3", "MUM", "2020-01-03", &[], "Mum said Amara was unwell."),
        note(
            "R4",
            "BRO",
            "2020-01-04",
            &[],
            "Tobias spoke about school only.",
        ),
        note(
            "R5",
            "OTHER",
            "2020-01-05",
            &[],
            "Unrelated note about a neighbour.",
        ),
        note(
            "R6",
            "OTHER",
            "2020-01-06",
            &[],
            "Letter copied to Amara Jane Quist.",
        ),
    ];
    let result = run(&w, &records, &HashMap::new(), &Scope::default());
    assert_eq!(ids(&result), vec!["R1", "R2", "R3", "R6"]);
    assert_eq!(reasons(&result, "R1"), vec![Reason::OwnFile]);
    assert_eq!(reasons(&result, "R2"), vec![Reason::Linked]);
    assert_eq!(reasons(&result, "R3"), vec![Reason::MentionedByName]);
    assert_eq!(reasons(&result, "R6"), vec![Reason::MentionedByName]);
    assert_eq!(
        result.log.found_by_criterion.get("mentioned_by_name"),
        Some(&2)
    );
}

#[test]
fn aliases_nicknames_case_and_whitespace_variants_are_found() {
    let w = world();
    let records = vec![
        note(
            "A1",
            "MUM",
            "2020-01-01",
            &[],
            "Spoke to AMARA LINDQVIST by phone.",
        ),
        note(
            "A2",
            "BRO",
            "2020-01-02",
            &[],
            "Tobias played with Mara in the garden.",
        ),
        note(
            "A3",
            "OTHER",
            "2020-01-03",
            &[],
            "Report for amara\n  jane\tquist attached.",
        ),
        note(
            "A4",
            "MUM",
            "2020-01-04",
            &[],
            "Amara\u{2019}s school called; Amaras? no.",
        ),
        note(
            "A5",
            "MUM",
            "2020-01-05",
            &[],
            "Discussed Amaranth plants and Samara.",
        ),
    ];
    let result = run(&w, &records, &HashMap::new(), &Scope::default());
    assert_eq!(ids(&result), vec!["A1", "A2", "A3", "A4"]);
}

#[test]
fn a_namesake_is_told_apart_by_file_family_and_surname() {
    let w = world();
    let records = vec![
        // On the namesake's own file, and on her father's: hers.
        note("N1", "N", "2020-01-01", &[], "Amara attended nursery."),
        note(
            "N2",
            "NDAD",
            "2020-01-02",
            &["NDAD"],
            "Dad said Amara is settled.",
        ),
        // On an unrelated file but named in full with her surname: hers.
        note(
            "N3",
            "OTHER",
            "2020-01-03",
            &[],
            "Amara Voss and Amara were at the club.",
        ),
        // The subject's brother's file: the subject.
        note(
            "N4",
            "BRO",
            "2020-01-04",
            &[],
            "Amara walked Tobias to school.",
        ),
        // Unrelated file, given name only, nobody's family: a person decides.
        note(
            "N5",
            "OTHER",
            "2020-01-05",
            &[],
            "Amara came to the youth club.",
        ),
    ];
    let result = run(&w, &records, &HashMap::new(), &Scope::default());
    assert_eq!(ids(&result), vec!["N4"]);
    let namesakes: Vec<&str> = result
        .excluded
        .iter()
        .filter(|e| matches!(e.reason, ExclusionReason::Namesake { .. }))
        .map(|e| e.record.as_str())
        .collect();
    assert_eq!(namesakes, vec!["N1", "N2", "N3"]);
    assert_eq!(result.log.excluded.get("namesake"), Some(&3));
    assert_eq!(result.needs_review.len(), 1);
    assert_eq!(result.needs_review[0].record.as_str(), "N5");
}

#[test]
fn a_namesake_with_the_very_same_full_name_is_told_apart_by_context() {
    let mut twin = person("N", "Amara Jane Quist", &[]);
    twin.dob = Some("2011-04-09".to_string());
    let mut subject = person("S", "Amara Jane Quist", &[]);
    subject.dob = Some("2008-02-29".to_string());
    let w = World {
        people: vec![
            subject,
            person("MUM", "Odette Quist", &[]),
            twin,
            person("NMUM", "Greta Quist", &[]),
            person("OTHER", "Cyril Brandt", &[]),
        ],
        relationships: vec![edge("S", "MUM", "mother"), edge("N", "NMUM", "mother")],
    };
    let records = vec![
        note(
            "F1",
            "NMUM",
            "2020-01-01",
            &[],
            "Amara Jane Quist stayed with mum.",
        ),
        note(
            "F2",
            "MUM",
            "2020-01-02",
            &[],
            "Amara Jane Quist stayed with mum.",
        ),
        note(
            "F3",
            "OTHER",
            "2020-01-03",
            &[],
            "Amara Jane Quist (DOB 29/02/2008) at club.",
        ),
        note(
            "F4",
            "OTHER",
            "2020-01-04",
            &[],
            "Amara Jane Quist (born 9 April 2011) at club.",
        ),
        note(
            "F5",
            "OTHER",
            "2020-01-05",
            &[],
            "Amara Jane Quist at club.",
        ),
    ];
    let result = run(&w, &records, &HashMap::new(), &Scope::default());
    assert_eq!(ids(&result), vec!["F2", "F3"]);
    let namesakes: Vec<&str> = result
        .excluded
        .iter()
        .filter(|e| matches!(e.reason, ExclusionReason::Namesake { .. }))
        .map(|e| e.record.as_str())
        .collect();
    assert_eq!(namesakes, vec!["F1", "F4"]);
    assert!(matches!(
        result.needs_review.as_slice(),
        [item] if item.record.as_str() == "F5"
    ));
}

#[test]
fn a_given_name_that_is_also_a_word_counts_only_as_a_name() {
    let w = World {
        people: vec![
            person("S", "Will Parry", &[]),
            person("MUM", "Ruth Parry", &[]),
        ],
        relationships: vec![edge("S", "MUM", "mother")],
    };
    let records = vec![
        note(
            "W1",
            "MUM",
            "2020-01-01",
            &[],
            "Mum will call back. She will attend.",
        ),
        note(
            "W2",
            "MUM",
            "2020-01-02",
            &[],
            "Will they come? We will see.",
        ),
        note(
            "W3",
            "MUM",
            "2020-01-03",
            &[],
            "Mum said that Will had a cold.",
        ),
        note(
            "W4",
            "MUM",
            "2020-01-04",
            &[],
            "It will rain; the plan will change.",
        ),
    ];
    let result = run(&w, &records, &HashMap::new(), &Scope::default());
    assert_eq!(ids(&result), vec!["W3"]);
    assert!(
        result.log.names_searched.iter().any(|n| n.also_common_word),
        "the log says the given name is also a word"
    );
}

#[test]
fn unreadable_records_are_gathered_on_metadata_or_put_to_review() {
    let w = world();
    let file = |id: &str, file_of: &str, people: &[&str]| Record {
        body: Body::File(format!("documents/{id}.png")),
        ..note(id, file_of, "2020-02-01", people, "")
    };
    let records = vec![
        file("U1", "S", &[]),
        file("U2", "OTHER", &["S"]),
        file("U3", "MUM", &[]),
        file("U4", "OTHER", &[]),
    ];
    let bodies: HashMap<&str, RecordBody> = ["U1", "U2", "U3", "U4"]
        .into_iter()
        .map(|id| (id, RecordBody::unreadable("image-only scan")))
        .collect();
    let result = run(&w, &records, &bodies, &Scope::default());
    assert_eq!(ids(&result), vec!["U1", "U2"]);
    assert!(result.records.iter().all(|r| r.unreadable.is_some()));
    assert_eq!(result.needs_review.len(), 1);
    assert_eq!(result.needs_review[0].record.as_str(), "U3");
    assert!(matches!(
        result.excluded.as_slice(),
        [e] if e.record.as_str() == "U4"
            && matches!(e.reason, ExclusionReason::UnreadableUnconnected { .. })
    ));
    assert_eq!(
        result.log.unreadable.len(),
        4,
        "every unreadable record is logged"
    );
}

#[test]
fn exact_and_near_copies_are_kept_once() {
    let w = world();
    let letter: String = (0..120)
        .map(|i| format!("word{}", i * 13 % 97))
        .collect::<Vec<_>>()
        .join(" ");
    let edited = letter.replacen("word13", "altered", 1);
    let reply: String = (0..80)
        .map(|i| format!("reply{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let quoted = format!("{reply}\n> On 1 March wrote:\n> {letter}");
    let records = vec![
        note("D1", "MUM", "2020-03-01", &["S"], &letter),
        note("D2", "S", "2020-03-02", &[], &letter),
        note("D3", "S", "2020-03-05", &[], &edited),
        note("D4", "S", "2020-03-09", &[], &quoted),
        note("D5", "S", "2020-03-10", &[], "Short note."),
        note("D6", "S", "2020-03-11", &[], "Short note."),
    ];
    let result = run(&w, &records, &HashMap::new(), &Scope::default());
    let copies: BTreeMap<&str, (&str, Copy)> = result
        .duplicates
        .iter()
        .map(|d| (d.record.record.as_str(), (d.duplicate_of.as_str(), d.copy)))
        .collect();
    // The copy on the subject's own file is kept; the linked one on mum's file is the copy.
    // D1 (linked, on mum's file) copies D2 (own file), which is itself quoted whole in D4.
    assert!(
        matches!(copies.get("D1"), Some(("D4", Copy::Quoted { .. }))),
        "{copies:?}"
    );
    assert!(
        matches!(copies.get("D2"), Some(("D4", Copy::Quoted { .. }))),
        "{copies:?}"
    );
    assert!(
        matches!(
            copies.get("D3"),
            Some((_, Copy::Near { .. } | Copy::Quoted { .. }))
        ),
        "{copies:?}"
    );
    assert!(
        matches!(copies.get("D6"), Some(("D5", Copy::Exact))),
        "{copies:?}"
    );
    let kept: Vec<&str> = result.records.iter().map(|r| r.record.as_str()).collect();
    assert!(kept.contains(&"D4") && kept.contains(&"D5"), "{kept:?}");
    assert!(!kept.contains(&"D1"));
    assert_eq!(
        result.log.exact_copies + result.log.near_copies,
        result.duplicates.len()
    );
}

#[test]
fn the_scope_limits_dates_and_kinds_and_logs_what_it_left_out() {
    let w = world();
    let mut letter = note("S3", "S", "2021-06-01", &[], "A letter.");
    letter.kind = "letter".to_string();
    let records = vec![
        note("S1", "S", "2019-12-31", &[], "Before."),
        note("S2", "S", "2020-06-01T10:00:00", &[], "Inside."),
        letter,
        note("S4", "S", "2022-01-01", &[], "After."),
        note("S5", "OTHER", "2020-06-01", &[], "Unrelated."),
    ];
    let scope = Scope {
        from: Some("2020-01-01".parse().expect("date")),
        to: Some("2021-12-31".parse().expect("date")),
        kinds: vec!["Case_Note".to_string()],
    };
    let result = run(&w, &records, &HashMap::new(), &scope);
    assert_eq!(ids(&result), vec!["S2"]);
    let mut out: Vec<&str> = result
        .excluded
        .iter()
        .filter(|e| matches!(e.reason, ExclusionReason::OutOfScope { .. }))
        .map(|e| e.record.as_str())
        .collect();
    out.sort();
    assert_eq!(out, vec!["S1", "S3", "S4"]);
    assert_eq!(result.log.excluded.get("out_of_scope"), Some(&3));
    assert_eq!(result.log.scope, scope);
}

#[test]
fn an_unknown_subject_is_an_error_naming_the_id() {
    let w = world();
    let err = gather(
        GatherInput {
            people: &w.people,
            relationships: &w.relationships,
            records: &[],
            subject: &PersonId::new("NOBODY"),
            scope: &Scope::default(),
        },
        |_| None,
    )
    .expect_err("unknown subject");
    assert!(err.to_string().contains("NOBODY"));
}

#[test]
fn a_twenty_thousand_record_file_gathers_every_record_once() {
    let w = world();
    let words = [
        "visit",
        "school",
        "contact",
        "health",
        "review",
        "plan",
        "carer",
        "placement",
        "court",
        "meeting",
        "garden",
        "bus",
        "dentist",
        "football",
        "homework",
        "birthday",
    ];
    let text_of = |i: usize| -> String {
        (0..60)
            .map(|k| words[(i * 31 + k * k * 7 + k * i) % words.len()])
            .collect::<Vec<_>>()
            .join(" ")
            + &format!(" reference {i}")
    };
    let mut records: Vec<Record> = (0..20_000)
        .map(|i| note(&format!("L{i}"), "S", "2015-01-01", &[], &text_of(i)))
        .collect();
    records.extend((0..2_000).map(|i| {
        let text = format!(
            "Tobias note {i}: {}",
            if i % 10 == 0 { "Amara visited." } else { "" }
        );
        note(&format!("B{i}"), "BRO", "2015-01-01", &[], &text)
    }));
    let started = std::time::Instant::now();
    let result = run(&w, &records, &HashMap::new(), &Scope::default());
    println!(
        "22,000 records gathered in {:.2?} ({} kept, {} copies)",
        started.elapsed(),
        result.records.len(),
        result.duplicates.len()
    );
    assert_eq!(result.all_ids().count(), 20_000 + 200);
    assert_eq!(
        result.log.found_by_criterion.get("mentioned_by_name"),
        Some(&200)
    );
}
