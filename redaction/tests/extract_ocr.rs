//! Scans read by OCR: every image-only scan of two dev-corpus exports (PNG files and image-only
//! PDFs) must come back with its text, its marker phrase findable in that text, word boxes
//! inside the image, and still flagged for a person. Without OCR the same files must fail
//! closed (needs review).
//!
//! Needs `tesseract` (Debian's tesseract-ocr, tesseract-ocr-eng). Without it the test says
//! SKIPPED, unless `SAR_TEST_OCR` is set (CI), when it fails.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sar_redaction::extract::{ExtractError, Limits, Options, extract, extract_with};
use sar_redaction::ocr::Ocr;
use serde_json::Value;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/dev"
    ));
    dir.join("labels").is_dir().then(|| dir.to_path_buf())
}

fn ocr() -> Option<Ocr> {
    let ocr = Ocr::from_env();
    if ocr.is_none() {
        assert!(
            std::env::var_os("SAR_TEST_OCR").is_none(),
            "SAR_TEST_OCR is set but tesseract cannot be run: install tesseract-ocr tesseract-ocr-eng"
        );
        println!("SKIPPED: tesseract is not installed (set SAR_TEST_OCR=1 to make this fail)");
    }
    ocr
}

/// Lower case, letters and digits only, single spaces: OCR's punctuation and line breaks vary.
fn loose(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn scans_are_read_by_ocr_and_stay_flagged_for_a_person() {
    let Some(dir) = corpus_dir() else {
        println!("SKIPPED: ../shared/corpus/dev not found beside the checkout");
        return;
    };
    let Some(ocr) = ocr() else { return };
    println!("OCR: {}", ocr.describe());
    let options = Options {
        limits: Limits::default(),
        ocr: Some(ocr),
    };
    let mut scans: Vec<(PathBuf, String, String)> = Vec::new();
    for export in ["dev01-medway-lcs", "dev03-medway-caredirector"] {
        let labels: Value = serde_json::from_slice(
            &std::fs::read(dir.join("labels").join(format!("{export}.json"))).unwrap(),
        )
        .unwrap();
        for (id, record) in labels["records"].as_object().unwrap() {
            if record["needs_review"].as_bool() != Some(true) {
                continue;
            }
            let file = record["file"].as_str().unwrap();
            let marker = record["marker"].as_str().unwrap().to_string();
            scans.push((
                dir.join("exports").join(export).join(file),
                id.clone(),
                marker,
            ));
        }
    }
    scans.sort();
    assert!(scans.len() >= 10, "only {} scans found", scans.len());

    let failures: Vec<String> = scans
        .par_iter()
        .filter_map(|(path, id, marker)| {
            let bytes = std::fs::read(path).unwrap();
            let name = path.to_string_lossy();
            // Without OCR: fail closed.
            if !matches!(
                extract(&name, &bytes),
                Err(ExtractError::NeedsReview { .. })
            ) {
                return Some(format!("{id}: without OCR it is not flagged for review"));
            }
            let extracted = match extract_with(&name, &bytes, &options) {
                Ok(e) => e,
                Err(e) => return Some(format!("{id}: OCR failed: {e}")),
            };
            if extracted.needs_review.is_none() {
                return Some(format!("{id}: read by OCR but not flagged for a person"));
            }
            let text = loose(&extracted.full_text());
            if !text.contains(&loose(marker)) {
                return Some(format!(
                    "{id}: marker {marker:?} not in the OCR text: {text}"
                ));
            }
            let pages = &extracted.ocr_pages;
            let boxes_fit = !pages.is_empty()
                && pages.iter().all(|p| {
                    !p.words.is_empty()
                        && p.words.iter().all(|w| {
                            w.left + w.width <= p.image_width
                                && w.top + w.height <= p.image_height
                                && p.text.get(w.text_range.clone()).is_some()
                        })
                });
            if !boxes_fit {
                return Some(format!("{id}: word boxes missing or outside the image"));
            }
            None
        })
        .collect();
    println!(
        "{} scans read by OCR, {} failures",
        scans.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `SAR_OCR_CACHE`'s promise on real scans (a PNG, and a PDF page rendered for OCR): what comes
/// out of the cache is exactly what tesseract read, text and word boxes, one entry per page.
#[test]
fn a_cached_read_of_a_real_scan_is_exactly_what_tesseract_read() {
    let Some(dir) = corpus_dir() else {
        println!("SKIPPED: ../shared/corpus/dev not found beside the checkout");
        return;
    };
    let Some(ocr) = ocr() else { return };
    let cache = tempfile::tempdir().unwrap();
    let options = Options {
        limits: Limits::default(),
        ocr: Some(ocr.with_cache(cache.path())),
    };
    let documents = dir.join("exports/dev01-medway-lcs/documents");
    for file in [
        "2010/20100809-foster-carer-log-scanned-97304.png",
        "2009/20090430-review-health-assessment-96575.pdf",
    ] {
        let bytes = std::fs::read(documents.join(file)).unwrap();
        let entries = || std::fs::read_dir(cache.path()).unwrap().count();
        let before = entries();
        // The cache is new to this test, so the first read is tesseract's own.
        let read = extract_with(file, &bytes, &options).unwrap();
        assert!(!read.ocr_pages.is_empty() && !read.ocr_pages[0].words.is_empty());
        assert_eq!(entries(), before + read.ocr_pages.len(), "{file}");
        let cached = extract_with(file, &bytes, &options).unwrap();
        assert_eq!(cached, read, "{file}");
        assert_eq!(entries(), before + read.ocr_pages.len(), "{file}");
    }
}
