//! Reading records exports: the dev corpus, broken copies, zips.

use std::io::Write;
use std::path::{Path, PathBuf};

use sar_pipeline::export::{Export, ExportError, FileError};

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if p.join("corpus/dev/exports").is_dir() {
        Some(p)
    } else {
        println!("SKIPPED: ../shared/corpus/dev not found beside the checkout");
        None
    }
}

#[test]
fn every_dev_export_reads_with_its_documents() {
    let Some(shared) = shared() else { return };
    let mut dirs: Vec<_> = std::fs::read_dir(shared.join("corpus/dev/exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 4);
    for dir in dirs {
        let export = Export::open(&dir).unwrap();
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("export.json")).unwrap()).unwrap();
        assert_eq!(
            export.records.len(),
            raw["records"].as_array().unwrap().len()
        );
        assert_eq!(export.people.len(), raw["people"].as_array().unwrap().len());
        let mut missing = 0;
        for r in &export.records {
            if let Some(f) = r.file() {
                match export.read_file(f) {
                    Ok(bytes) => assert!(!bytes.is_empty() || f.ends_with(".txt")),
                    Err(FileError::Missing { .. }) => missing += 1,
                    Err(e) => panic!("{}: {e}", r.id),
                }
            }
        }
        println!(
            "{}: {} records, {} missing files",
            dir.display(),
            export.records.len(),
            missing
        );
    }
}

fn write(dir: &Path, rel: &str, contents: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, contents).unwrap();
}

const BROKEN: &str = r#"{
  "format": "sar-records-export/1",
  "people": [
    {"id": "P-1", "name": "Alex Example", "kind": "citizen", "phone": "07700 900123"},
    {"id": "P-1", "name": "Alex Again", "kind": "citizen"},
    {"id": "P-2", "kind": "citizen"},
    {"id": "W-1", "name": "Sam Worker", "kind": "worker", "job_title": "Social Worker", "shoe_size": 9}
  ],
  "relationships": [
    {"from": "P-1", "to": "P-99", "type": "mother"},
    {"from": "P-1", "to": "W-1", "type": "social worker"}
  ],
  "records": [
    {"id": "R-1", "kind": "case_note", "file_of": "P-1", "date": "2020-01-02", "text": "ok"},
    {"id": "R-1", "kind": "case_note", "file_of": "P-1", "date": "2020-01-02", "text": "dup"},
    {"id": "R-2", "kind": "case_note", "file_of": "P-1", "date": "yesterday", "text": "bad date"},
    {"id": "R-3", "kind": "document", "file_of": "P-1", "date": "2020-01-03", "file": "../../etc/passwd"},
    {"id": "R-4", "kind": "document", "file_of": "P-1", "date": "2020-01-04", "file": "documents/missing.pdf"},
    {"id": "R-5", "kind": "case_note", "file_of": "P-77", "date": "2020-01-05", "text": "unknown file_of"},
    {"id": "R-6", "kind": "document", "file_of": "P-1", "date": "2020-01-06", "file": "documents/big.txt"},
    {"id": "R-7", "kind": "case_note", "file_of": "P-1", "date": "2020-01-07"}
  ]
}"#;

#[test]
fn a_broken_export_reports_each_problem_and_reads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "export.json", BROKEN.as_bytes());
    write(dir.path(), "documents/big.txt", &vec![b'x'; 4096]);
    let export = Export::open(dir.path()).unwrap().with_max_file_bytes(1024);
    let ids: Vec<&str> = export.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["R-1", "R-3", "R-4", "R-5", "R-6"]);
    assert_eq!(export.people.len(), 2);
    assert_eq!(export.people[1].extra["shoe_size"], 9);
    assert_eq!(export.relationships.len(), 1);
    let text: Vec<String> = export.problems.iter().map(|p| p.to_string()).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("person P-1: duplicate person id"), "{text:#?}");
    assert!(has("person P-2: `name` is missing"), "{text:#?}");
    assert!(
        has("relationship #1: names unknown person id P-99"),
        "{text:#?}"
    );
    assert!(has("record R-1: duplicate record id"), "{text:#?}");
    assert!(has("record R-2: `date` is \"yesterday\""), "{text:#?}");
    assert!(
        has("record R-3: file path ../../etc/passwd escapes"),
        "{text:#?}"
    );
    assert!(
        has("record R-5: names unknown person id(s): file_of P-77"),
        "{text:#?}"
    );
    assert!(
        has("record R-7: has neither `text` nor `file`"),
        "{text:#?}"
    );
    // Unprocessable records are named so they reach the schedule.
    let unprocessable = export.unprocessable();
    assert!(unprocessable.keys().any(|r| r.as_str() == "R-2"));
    assert!(unprocessable.keys().any(|r| r.as_str() == "R-7"));
    assert!(matches!(
        export.read_file("../../etc/passwd"),
        Err(FileError::EscapesExport { .. })
    ));
    assert!(matches!(
        export.read_file("documents/missing.pdf"),
        Err(FileError::Missing { .. })
    ));
    assert!(matches!(
        export.read_file("documents/big.txt"),
        Err(FileError::TooLarge { .. })
    ));
}

#[test]
fn unreadable_exports_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Export::open(dir.path()),
        Err(ExportError::NoManifest { .. })
    ));
    write(dir.path(), "export.json", b"{ not json");
    assert!(matches!(
        Export::open(dir.path()),
        Err(ExportError::Json { .. })
    ));
    write(
        dir.path(),
        "export.json",
        br#"{"format": "sar-records-export/9", "records": []}"#,
    );
    assert!(matches!(
        Export::open(dir.path()),
        Err(ExportError::UnknownFormat { .. })
    ));
    assert!(matches!(
        Export::open(dir.path().join("nope")),
        Err(ExportError::NotFound { .. })
    ));
}

#[test]
fn zip_exports_read_like_directories_and_refuse_bombs() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("export.zip");
    let file = std::fs::File::create(&zip_path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("my-export/export.json", opts).unwrap();
    zip.write_all(BROKEN.as_bytes()).unwrap();
    zip.start_file("my-export/documents/big.txt", opts).unwrap();
    // 8 MiB of zeros deflates to a few KiB: a small bomb.
    zip.write_all(&vec![0u8; 8 * 1024 * 1024]).unwrap();
    zip.finish().unwrap();
    let export = Export::open(&zip_path)
        .unwrap()
        .with_max_file_bytes(1024 * 1024);
    assert_eq!(export.records.len(), 5);
    assert!(matches!(
        export.read_file("documents/big.txt"),
        Err(FileError::TooLarge { .. })
    ));
    assert!(matches!(
        export.read_file("documents/missing.pdf"),
        Err(FileError::Missing { .. })
    ));
    let export = Export::open(&zip_path).unwrap();
    assert_eq!(
        export.read_file("documents/big.txt").unwrap().len(),
        8 * 1024 * 1024
    );
}
