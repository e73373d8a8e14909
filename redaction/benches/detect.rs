//! The detector alone (no process start, no JSON): build time and throughput over ~1 MB of
//! synthetic case notes naming known people, unknown people, identifiers and lookalikes.
//!
//! `cargo bench -p sar-redaction --bench detect`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sar_redaction::detect::{Detector, Person, PersonKind, Policy};

const GIVEN: &[&str] = &[
    "Karen", "Denise", "Shane", "Keira", "Zuzanna", "Harry", "Millie", "Derek", "Esme", "Olivia",
];
const SURNAMES: &[&str] = &[
    "Reid",
    "Begum",
    "Griffiths",
    "Nowak",
    "Okafor-Smith",
    "Gilmour",
    "Price",
    "Hibbert",
];

fn people() -> Vec<Person> {
    let mut out = vec![Person {
        id: "S".into(),
        name: "Jordan Alex Reid".into(),
        kind: Some(PersonKind::Citizen),
        phone: vec!["07700 900074".into()],
        ..Person::default()
    }];
    for i in 0..200 {
        out.push(Person {
            id: format!("P{i}"),
            name: format!(
                "{} {}",
                GIVEN[i % GIVEN.len()],
                SURNAMES[(i / GIVEN.len()) % SURNAMES.len()]
            ),
            kind: Some(if i % 7 == 0 {
                PersonKind::Worker
            } else {
                PersonKind::Citizen
            }),
            phone: vec![format!("07700 9{:05}", i)],
            ..Person::default()
        });
    }
    out
}

fn text() -> String {
    let note = "Visited Jordan at home with his mum Karen Reid. Mrs Begum said Shane's car (HF15 MZT) was \
        outside 119 Quince Road, Gillingham ME8 5JE again. Will speak to the school in the Summer term. \
        Seen alone: Jordan talked about his friend Darren and a sleepover at Victoria Road. Denise rang \
        from 07700 900622; her NHS number is 943 476 5919. Police intelligence was shared at the strategy \
        meeting. Zuzanna said Harry is at Riverside Community College and Milly is doing well.\n\n";
    note.repeat(1_000_000 / note.len() + 1)
}

fn bench(c: &mut Criterion) {
    let people = people();
    c.bench_function("detector build (201 people)", |b| {
        b.iter(|| Detector::new(black_box(people.clone()), &[], "S", Policy::default()).unwrap())
    });
    let detector = Detector::new(people, &[], "S", Policy::default()).unwrap();
    let text = text();
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("one text, 1 MB", |b| {
        b.iter(|| detector.detect(black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
