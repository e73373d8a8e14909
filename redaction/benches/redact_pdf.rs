//! Engine-only benchmark: extract and redact a synthetic 100-page Helvetica PDF (40 lines a page,
//! names among ordinary words) with 40 terms. The whole-process comparison with PyMuPDF on the
//! shared 1,000-page files is in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};
use sar_redaction::pdf::{self, RedactionPlan, TermRedaction};

const GIVEN: &[&str] = &[
    "Alice", "Bilal", "Carys", "Dmitri", "Efua", "Farah", "Gethin", "Hana", "Ivo", "Jude",
];
const SURNAMES: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Pryce",
    "Nakamura",
    "Dubois",
    "Haddad",
    "Moreau",
    "Quinn",
];
const WORDS: &[&str] = &[
    "visited", "the", "home", "and", "spoke", "with", "about", "school", "plans", "today",
    "worker", "notes",
];

fn synthetic_pdf(pages: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    let mut n = 0usize;
    for _ in 0..pages {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 10.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![50.into(), 780.into()]),
        ];
        for _ in 0..40 {
            let mut line = String::new();
            for k in 0..12 {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = n >> 33;
                let w = if k % 5 == 2 {
                    GIVEN[r % GIVEN.len()]
                } else if k % 7 == 3 {
                    SURNAMES[r % SURNAMES.len()]
                } else {
                    WORDS[r % WORDS.len()]
                };
                line.push_str(w);
                line.push(' ');
            }
            ops.push(Operation::new(
                "Tj",
                vec![Object::String(line.into_bytes(), StringFormat::Literal)],
            ));
            ops.push(Operation::new("T*", vec![]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = doc.add_object(Stream::new(
            Dictionary::new(),
            Content { operations: ops }.encode().unwrap(),
        ));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn bench(c: &mut Criterion) {
    let input = synthetic_pdf(100);
    let mut terms: Vec<String> = Vec::new();
    for g in GIVEN.iter().take(5) {
        for s in SURNAMES.iter().take(4) {
            terms.push(format!("{g} {s}"));
        }
        terms.push(g.to_string());
    }
    terms.extend(SURNAMES.iter().take(4).map(|s| s.to_string()));
    let plan = RedactionPlan {
        terms: terms
            .iter()
            .map(|t| TermRedaction {
                text: t.clone(),
                code: "TP".into(),
            })
            .collect(),
        ..Default::default()
    };
    let mut group = c.benchmark_group("pdf_100_pages");
    group.sample_size(10);
    group.bench_function("extract_text", |b| {
        b.iter(|| pdf::extract_text(&input).unwrap())
    });
    group.bench_function("redact_verify", |b| {
        b.iter(|| pdf::redact(&input, &plan).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
