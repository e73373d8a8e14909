//! `sar generate`: determinism, readability by the export reader, the deliberate problems, the
//! PDFs and the identifiers, and the ground truth's consistency with the export.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sar_pipeline::export::{Export, FileError};
use sar_pipeline::generate::identifiers::{nhs_number_is_valid, upn_is_valid};
use sar_pipeline::generate::{self, GenerateError, GenerateOptions, GroundTruth};

const PAGES: usize = 3;

fn small(out: &Path, seed: u64) -> GenerateOptions {
    GenerateOptions {
        people: 30,
        records: 240,
        documents: 8,
        pages_per_document: PAGES,
        seed,
        care_leaver: true,
        zip: false,
        out: out.to_path_buf(),
    }
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_differs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generate::generate(&small(&a, 7)).expect("generate a");
    generate::generate(&small(&b, 7)).expect("generate b");
    generate::generate(&small(&c, 8)).expect("generate c");
    let (ta, tb, tc) = (tree(&a), tree(&b), tree(&c));
    assert!(ta.len() > 10, "expected documents, got {} files", ta.len());
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(
            tb[path] == *bytes,
            "{} differs between two runs with the same seed",
            path.display()
        );
    }
    let manifest = PathBuf::from("export.json");
    assert_ne!(
        ta[&manifest], tc[&manifest],
        "another seed should give another export"
    );
}

#[test]
fn reader_sees_no_problems_and_exactly_the_three_broken_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let summary = generate::generate(&small(&out, 3)).expect("generate");
    let export = Export::open(&out).expect("open");
    assert!(
        export.problems.is_empty(),
        "problems: {:?}",
        export.problems
    );
    assert_eq!(export.records.len(), 240);
    assert_eq!(summary.records, 240);
    assert_eq!(export.people.len(), 30);
    assert_eq!(export.exported_at.as_deref().map(str::len), Some(20));

    // What an importer would find wrong with each record's file.
    let mut failures: Vec<(String, &'static str)> = Vec::new();
    for record in &export.records {
        let Some(path) = record.file() else { continue };
        let outcome = match export.read_file(path) {
            Err(FileError::Missing { .. }) => Some("file missing"),
            Err(other) => panic!("record {}: unexpected {other}", record.id),
            Ok(bytes) => match path.rsplit('.').next() {
                Some("pdf") => lopdf::Document::load_mem(&bytes)
                    .is_err()
                    .then_some("corrupt PDF"),
                Some("txt") | Some("eml") => {
                    assert!(std::str::from_utf8(&bytes).is_ok(), "{path} is not UTF-8");
                    None
                }
                _ => Some("unsupported type"),
            },
        };
        if let Some(reason) = outcome {
            failures.push((record.id.to_string(), reason));
        }
    }
    failures.sort();
    let truth = GroundTruth::read(&out).expect("generator.json");
    let mut expected: Vec<(String, &str)> = truth
        .records
        .iter()
        .filter(|r| r.expected_outcome == "not_processed")
        .map(|r| {
            (
                r.id.clone(),
                r.not_processed_reason.as_deref().unwrap_or(""),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(failures.len(), 3, "failures: {failures:?}");
    assert_eq!(failures, expected);

    // The zip of the same export reads the same.
    let tmp2 = tempfile::tempdir().expect("tempdir");
    let zipped = tmp2.path().join("zipped");
    let summary = generate::generate(&GenerateOptions {
        zip: true,
        ..small(&zipped, 3)
    })
    .expect("generate zip");
    let zip_path = summary.zip.expect("zip written");
    let from_zip = Export::open(&zip_path).expect("open zip");
    assert!(from_zip.problems.is_empty());
    assert_eq!(from_zip.records, export.records);
}

#[test]
fn every_pdf_opens_with_the_requested_pages_and_its_marker() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    let summary = generate::generate(&small(&out, 11)).expect("generate");
    let truth = GroundTruth::read(&out).expect("generator.json");
    let pdfs: Vec<_> = truth
        .records
        .iter()
        .filter(|r| r.holding == "pdf")
        .collect();
    assert_eq!(pdfs.len(), 8);
    assert_eq!(summary.pages, 8 * PAGES);
    for record in pdfs {
        let path = out.join(record.file.as_deref().expect("pdf path"));
        let doc =
            lopdf::Document::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(doc.get_pages().len(), PAGES, "{}", path.display());
        assert_eq!(record.pages, Some(PAGES));
        let first_page = doc.extract_text(&[1]).expect("text of page 1");
        let collapsed = first_page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            collapsed.contains(&record.marker),
            "{}: marker not on page 1",
            path.display()
        );
    }
}

#[test]
fn pdftotext_reads_the_lines_in_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    generate::generate(&small(&out, 5)).expect("generate");
    let truth = GroundTruth::read(&out).expect("generator.json");
    let record = truth
        .records
        .iter()
        .find(|r| r.holding == "pdf")
        .expect("a pdf");
    let path = out.join(record.file.as_deref().expect("path"));
    let output = match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(o) if o.status.success() => o,
        _ => {
            println!("SKIPPED: pdftotext is not installed");
            return;
        }
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.matches('\u{c}').count(),
        PAGES,
        "one form feed per page"
    );
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(collapsed.contains(&record.marker));
    assert!(collapsed.contains("Page 1 of 3"));
}

#[test]
fn identifiers_are_valid_and_from_reserved_ranges() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    generate::generate(&small(&out, 21)).expect("generate");
    let export = Export::open(&out).expect("open");
    let mut nhs = 0;
    for person in &export.people {
        for n in &person.nhs_number {
            assert!(
                nhs_number_is_valid(n),
                "person {}: NHS number fails mod 11",
                person.id
            );
            nhs += 1;
        }
        for u in &person.upn {
            assert!(upn_is_valid(u), "person {}: UPN check letter", person.id);
        }
        for ni in &person.ni_number {
            assert!(
                ni.starts_with("QQ "),
                "person {}: NI number not QQ",
                person.id
            );
        }
        for phone in &person.phone {
            assert!(
                phone.starts_with("07700 900") || phone.starts_with("01632 960"),
                "person {}: {phone}",
                person.id
            );
        }
        for email in &person.email {
            assert!(
                email.contains("example."),
                "person {}: email not on an example domain",
                person.id
            );
        }
    }
    assert!(nhs >= 10, "only {nhs} NHS numbers");
    let workers = export
        .people
        .iter()
        .filter(|p| p.kind.as_str() == "worker")
        .count();
    assert!(workers >= 9, "only {workers} workers");
}

#[test]
fn ground_truth_matches_the_export() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("export");
    generate::generate(&GenerateOptions {
        records: 1200,
        ..small(&out, 4)
    })
    .expect("generate");
    let export = Export::open(&out).expect("open");
    let truth = GroundTruth::read(&out).expect("generator.json");
    let subject = export
        .people
        .iter()
        .find(|p| p.id.as_str() == truth.subject.id)
        .expect("subject listed");
    let subject_first = subject.name.split(' ').next().expect("first name");
    let by_id: HashMap<&str, _> = export.records.iter().map(|r| (r.id.as_str(), r)).collect();
    assert_eq!(truth.records.len(), export.records.len());

    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in &truth.records {
        let record = by_id[t.id.as_str()];
        *counts.entry(t.reason.as_str()).or_default() += 1;
        let linked = record.people.iter().any(|p| p.as_str() == truth.subject.id);
        let on_file = record.file_of.as_str() == truth.subject.id;
        match t.reason.as_str() {
            "own_file" => assert!(on_file, "{}", t.id),
            "linked" => assert!(linked && !on_file, "{}", t.id),
            "mentioned_by_name" => {
                assert!(!linked && !on_file, "{}", t.id);
                if let Some(text) = record.text() {
                    assert!(
                        text.contains(subject_first),
                        "{}: does not name the subject",
                        t.id
                    );
                }
            }
            "family_member_not_about_subject" | "unrelated" => {
                assert!(!linked && !on_file, "{}", t.id);
                if let Some(text) = record.text() {
                    assert!(!text.contains(&subject.name), "{}: names the subject", t.id);
                    assert!(
                        !text
                            .split(|c: char| !c.is_alphanumeric())
                            .any(|w| w == subject_first),
                        "{}: names the subject",
                        t.id
                    );
                }
            }
            other => panic!("unknown reason {other}"),
        }
        assert_eq!(
            t.gather,
            matches!(
                t.reason.as_str(),
                "own_file" | "linked" | "mentioned_by_name"
            )
        );
        if let Some(text) = record.text() {
            for planted in &t.third_party {
                assert!(
                    text.contains(planted.as_str()),
                    "{}: planted string not in text",
                    t.id
                );
            }
            assert!(text.contains(&t.marker), "{}: marker missing", t.id);
        }
        if let Some(original) = &t.duplicate_of {
            let o = by_id[original.as_str()];
            assert_eq!(o.text(), record.text());
            assert_eq!(o.date, record.date);
            assert_ne!(o.file_of, record.file_of);
        }
    }
    for reason in [
        "own_file",
        "linked",
        "mentioned_by_name",
        "family_member_not_about_subject",
        "unrelated",
    ] {
        assert!(
            counts.get(reason).copied().unwrap_or(0) > 0,
            "no {reason} records: {counts:?}"
        );
    }
    assert!(
        truth
            .records
            .iter()
            .filter(|t| t.duplicate_of.is_some())
            .count()
            >= 2
    );
    // Chronological, and some people are named but not listed.
    let days: Vec<&str> = export.records.iter().map(|r| r.day()).collect();
    assert!(
        days.windows(2).all(|w| w[0] <= w[1]),
        "records out of order"
    );
    assert!(!truth.unlisted_people.is_empty());
    let all_text: String = export.records.iter().filter_map(|r| r.text()).collect();
    assert!(
        truth
            .unlisted_people
            .iter()
            .any(|name| all_text.contains(name.split(' ').next().unwrap_or(name)))
    );
}

#[test]
fn bad_options_are_refused_with_a_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("x");
    let err = generate::generate(&GenerateOptions {
        people: 3,
        ..small(&out, 1)
    })
    .expect_err("too few people");
    assert!(matches!(err, GenerateError::TooFewPeople { .. }), "{err}");
    let err = generate::generate(&GenerateOptions {
        records: 10,
        ..small(&out, 1)
    })
    .expect_err("too few records");
    assert!(matches!(err, GenerateError::TooFewRecords { .. }), "{err}");
    generate::generate(&small(&out, 1)).expect("generate");
    let err = generate::generate(&small(&out, 1)).expect_err("not empty");
    assert!(matches!(err, GenerateError::OutputNotEmpty { .. }), "{err}");
}
