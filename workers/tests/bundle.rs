//! The disclosure bundle end to end through the real binary, on every dev-corpus request:
//! import, request, run, approve-all, sign-off, bundle; then the disclosure's `pdftotext` text is
//! scored as the dev README says (step 7): no must-redact text of a gathered record, the must-keep
//! strings still there, every gathered record's marker present and no excluded record's marker,
//! the due date shown; `qpdf --check` passes, one bookmark per record, every page numbered.
//! Needs `SAR_PDF_TOOLS=1` (pdftotext, qpdf); prints SKIPPED otherwise.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use unicode_normalization::UnicodeNormalization;

mod common;
use common::{ok, sar};

fn tools() -> bool {
    if std::env::var_os("SAR_PDF_TOOLS").is_none() {
        println!("SKIPPED: set SAR_PDF_TOOLS=1 (needs pdftotext and qpdf) to check bundles");
        return false;
    }
    true
}

/// The README's normalisation (case kept when `fold` is false).
fn normalise(s: &str, fold: bool) -> String {
    let s: String = s
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            c => c,
        })
        .collect();
    let s = s.replace("-\n", "").replace("\u{AD}", "");
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '-'
            && i > 0
            && chars[i - 1].is_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic())
        {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if fold {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn span_text(s: &str) -> String {
    let n = normalise(s, true);
    n.strip_suffix("'s").map(str::to_string).unwrap_or(n)
}

fn word_count(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    hay.match_indices(needle)
        .filter(|(i, _)| {
            let before = hay[..*i].chars().next_back();
            let after = hay[i + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .count()
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext {}", path.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn bookmarks(path: &Path) -> usize {
    let out = Command::new("qpdf")
        .args(["--json", "--json-key=outlines"])
        .arg(path)
        .output()
        .expect("qpdf runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    fn count(v: &serde_json::Value) -> usize {
        v.as_array()
            .map_or(0, |a| a.iter().map(|o| 1 + count(&o["kids"])).sum())
    }
    count(&v["outlines"])
}

struct Figures {
    redact_known: (usize, usize),
    redact_unknown: (usize, usize),
    keep: (usize, usize),
    markers: (usize, usize),
    leaked_markers: usize,
    pages: usize,
}

fn bundle_request(shared: &Path, request_file: &Path, misses: &mut Vec<String>) -> Figures {
    let request: serde_json::Value =
        serde_json::from_slice(&std::fs::read(request_file).unwrap()).unwrap();
    let export = request["export"].as_str().unwrap();
    let subject_id = request["subject_person_id"].as_str().unwrap();
    let labels: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared.join(format!("labels/{export}.json"))).unwrap(),
    )
    .unwrap();
    let subject = labels["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject_person_id"] == subject_id)
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(
        d,
        &[
            "import",
            shared.join("exports").join(export).to_str().unwrap(),
        ],
    );
    let mut new = vec![
        "request",
        "new",
        "--subject",
        subject_id,
        "--received",
        request["received_date"].as_str().unwrap(),
        "--requester-relationship",
        request["requester"].as_str().unwrap(),
    ];
    if subject["subject_kind"] == "care_leaver" {
        new.push("--care-leaver");
    }
    new.push("--json");
    let created: serde_json::Value = serde_json::from_str(&ok(d, &new)).unwrap();
    let reference = created["reference"].as_str().unwrap().to_string();
    let reference = reference.as_str();
    ok(d, &["run", reference]);
    ok(
        d,
        &[
            "review",
            "approve-all",
            reference,
            "--reviewer",
            "reviewer.one",
        ],
    );
    ok(
        d,
        &[
            "review",
            "sign-off",
            reference,
            "--approver",
            "approver.two",
        ],
    );
    let summary: serde_json::Value =
        serde_json::from_str(&ok(d, &["bundle", reference, "--out", "bundle", "--json"])).unwrap();

    let mut text = String::new();
    let mut outline = 0;
    for name in summary["disclosure"].as_array().unwrap() {
        let path = d.join("bundle").join(name.as_str().unwrap());
        let check = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .unwrap();
        assert!(check.status.success(), "qpdf --check {}", path.display());
        outline += bookmarks(&path);
        text.push_str(&pdftotext(&path));
    }
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let total = summary["pages"].as_u64().unwrap() as usize;
    assert_eq!(pages.len(), total, "{request_file:?}: page count");
    for (i, p) in pages.iter().enumerate() {
        let footer =
            format!("{reference} · page {} of {}", i + 1, total).replace("of 1000", "of 1,000");
        assert!(
            normalise(p, false).contains(&normalise(&footer, false)) || total >= 1000,
            "{request_file:?}: page {} has no number",
            i + 1
        );
    }
    let records = summary["records_included"].as_u64().unwrap() as usize;
    // Front and back matter have their own bookmarks (letter, key, index, glossary, schedule,
    // and key events and support for care leavers).
    let extra = if summary["care_leaver"] == true { 7 } else { 5 };
    assert_eq!(
        outline,
        records + extra,
        "{request_file:?}: one bookmark per record"
    );
    let due = request["expected_due_date"].as_str().unwrap();
    assert!(
        text.contains(due),
        "{request_file:?}: due date {due} not shown"
    );

    let folded = normalise(&text, true);
    let cased = normalise(&text, false);
    let gathered: HashSet<&str> = subject["gather"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let mut f = Figures {
        redact_known: (0, 0),
        redact_unknown: (0, 0),
        keep: (0, 0),
        markers: (0, 0),
        leaked_markers: 0,
        pages: total,
    };
    for span in subject["spans"].as_array().unwrap() {
        if span["must"] != "redact" || span["needs_review"] == true {
            continue;
        }
        let pieces: Vec<String> = match span["parts"].as_array() {
            Some(p) if !p.is_empty() => {
                p.iter().filter_map(|v| v.as_str()).map(span_text).collect()
            }
            _ => vec![span_text(span["text"].as_str().unwrap())],
        };
        let leaked = pieces.iter().any(|p| word_count(&folded, p) > 0);
        let slot = if span["known"] == true {
            &mut f.redact_known
        } else {
            &mut f.redact_unknown
        };
        slot.1 += 1;
        if !leaked {
            slot.0 += 1;
        } else {
            misses.push(format!(
                "{export} {subject_id} leaked {} {} ({}) {:?}",
                span["record_id"], span["category"], span["form"], pieces
            ));
        }
    }
    let mut keep: HashMap<String, usize> = subject["keep_expected_counts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap() as usize))
        .collect();
    // The expected counts include every gathered copy; the bundle shows a copy once (the
    // schedule lists the others), so a collapsed copy's keep strings are not expected.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("bundle/manifest.json")).unwrap()).unwrap();
    let collapsed: HashSet<&str> = manifest["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "Copy")
        .filter_map(|e| e["record_id"].as_str())
        .collect();
    for span in subject["spans"].as_array().unwrap() {
        if span["must"] == "keep"
            && span["record_id"]
                .as_str()
                .is_some_and(|r| collapsed.contains(r))
            && let Some(n) = span["text"].as_str().and_then(|t| keep.get_mut(t))
        {
            *n = n.saturating_sub(1);
        }
    }
    for (s, expected) in &keep {
        let found = word_count(&cased, &normalise(s, false));
        if found < *expected && std::env::var_os("SAR_TEST_VERBOSE").is_some() {
            misses.push(format!(
                "{export} {subject_id} keep {s:?}: {found} of {expected}"
            ));
        }
        f.keep.0 += found.min(*expected);
        f.keep.1 += expected;
    }
    let records_labels = labels["records"].as_object().unwrap();
    let copies_of_gathered: HashSet<&str> = records_labels
        .iter()
        .filter(|(id, r)| {
            gathered.contains(id.as_str())
                || r["duplicate_of"]
                    .as_str()
                    .is_some_and(|d| gathered.contains(d))
        })
        .filter_map(|(_, r)| r["marker"].as_str())
        .collect();
    for (id, r) in records_labels {
        let Some(marker) = r["marker"].as_str() else {
            continue;
        };
        let present = word_count(&folded, &normalise(marker, true)) > 0;
        if gathered.contains(id.as_str()) {
            if r["marker_checkable"] == true {
                f.markers.1 += 1;
                if present {
                    f.markers.0 += 1;
                } else {
                    misses.push(format!("{export} {subject_id} marker missing: {id}"));
                }
            }
        } else if present && !copies_of_gathered.contains(marker) {
            f.leaked_markers += 1;
            misses.push(format!(
                "{export} {subject_id} excluded record's marker present: {id}"
            ));
        }
    }
    f
}

fn pct(a: (usize, usize)) -> f64 {
    if a.1 == 0 {
        100.0
    } else {
        100.0 * a.0 as f64 / a.1 as f64
    }
}

#[test]
fn every_dev_request_bundles_without_leaks_with_its_records_and_page_numbers() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/dev");
    if !shared.is_dir() {
        println!("SKIPPED: ../shared/corpus/dev not found");
        return;
    }
    if !tools() {
        return;
    }
    let mut requests: Vec<_> = std::fs::read_dir(shared.join("requests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    requests.sort();
    let mut misses = Vec::new();
    let mut all = Figures {
        redact_known: (0, 0),
        redact_unknown: (0, 0),
        keep: (0, 0),
        markers: (0, 0),
        leaked_markers: 0,
        pages: 0,
    };
    for r in &requests {
        let f = bundle_request(&shared, r, &mut misses);
        println!(
            "{}: {} pages; must-redact known {:.2}% ({}/{}), unknown {:.2}% ({}/{}); keep {:.2}% ({}/{}); markers {}/{}; excluded markers {}",
            r.file_stem().unwrap().to_string_lossy(),
            f.pages,
            pct(f.redact_known),
            f.redact_known.0,
            f.redact_known.1,
            pct(f.redact_unknown),
            f.redact_unknown.0,
            f.redact_unknown.1,
            pct(f.keep),
            f.keep.0,
            f.keep.1,
            f.markers.0,
            f.markers.1,
            f.leaked_markers
        );
        for (a, b) in [
            (&mut all.redact_known, f.redact_known),
            (&mut all.redact_unknown, f.redact_unknown),
            (&mut all.keep, f.keep),
            (&mut all.markers, f.markers),
        ] {
            a.0 += b.0;
            a.1 += b.1;
        }
        all.leaked_markers += f.leaked_markers;
        all.pages += f.pages;
    }
    println!(
        "ALL: {} pages; must-redact known {:.2}% ({}/{}), unknown {:.2}% ({}/{}); keep {:.2}% ({}/{}); markers {}/{}; excluded markers {}",
        all.pages,
        pct(all.redact_known),
        all.redact_known.0,
        all.redact_known.1,
        pct(all.redact_unknown),
        all.redact_unknown.0,
        all.redact_unknown.1,
        pct(all.keep),
        all.keep.0,
        all.keep.1,
        all.markers.0,
        all.markers.1,
        all.leaked_markers
    );
    for m in &misses {
        println!("  {m}");
    }
    assert!(pct(all.redact_known) >= 99.5, "must-redact recall (known)");
    assert!(pct(all.keep) >= 97.0, "keep retention");
    assert_eq!(
        all.markers.0, all.markers.1,
        "every gathered record's marker"
    );
    assert_eq!(all.leaked_markers, 0, "no excluded record's marker");
}

/// Imports the smallest dev export, registers a request and runs it (proposals pending).
fn small_request_run(shared: &Path) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    let export = shared.join("exports/dev04-southampton-eclipse");
    ok(d, &["import", export.to_str().unwrap()]);
    let created: serde_json::Value = serde_json::from_str(&ok(
        d,
        &[
            "request",
            "new",
            "--subject",
            "E-PER-041644",
            "--received",
            "2026-03-02",
            "--json",
        ],
    ))
    .unwrap();
    let reference = created["reference"].as_str().unwrap().to_string();
    ok(d, &["run", &reference]);
    (dir, reference)
}

/// Prepares a signed-off request on the smallest dev export; returns the temp dir and reference.
fn signed_off_request(shared: &Path) -> (tempfile::TempDir, String) {
    let (dir, reference) = small_request_run(shared);
    let d = dir.path();
    ok(
        d,
        &[
            "review",
            "approve-all",
            &reference,
            "--reviewer",
            "reviewer.one",
        ],
    );
    ok(
        d,
        &[
            "review",
            "sign-off",
            &reference,
            "--approver",
            "approver.two",
        ],
    );
    (dir, reference)
}

#[tokio::test]
async fn the_leak_gate_stops_a_bundle_whose_document_kept_a_redacted_term() {
    use sar_pipeline::blobs::BlobStore;
    use sar_pipeline::bundle::{self, BundleError, BundleOptions};
    use sar_pipeline::store::Db;
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/dev");
    if !shared.is_dir() {
        println!("SKIPPED: ../shared/corpus/dev not found");
        return;
    }
    let (dir, reference) = signed_off_request(&shared);
    let d = dir.path();
    let db = Db::open(&Db::default_url(&d.join("sar-data")), false)
        .await
        .unwrap();
    let blobs = BlobStore::in_data_dir(&d.join("sar-data"));
    // A broken engine: it reports the redactions but hands back the original document.
    let broken = |bytes: &[u8], plan: &sar_redaction::pdf::RedactionPlan| {
        let mut r = sar_redaction::pdf::redact(bytes, plan)?;
        r.pdf = bytes.to_vec();
        Ok(r)
    };
    let out = d.join("tampered");
    let err = bundle::build_with(&db, &blobs, &reference, &BundleOptions::new(&out), &broken)
        .await
        .expect_err("the gate must stop the bundle");
    assert!(
        matches!(err, BundleError::Leak { count, .. } if count > 0),
        "{err}"
    );
    assert!(
        !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
        "nothing may be written when the gate stops the bundle"
    );

    // The real engine passes the gate, and building again gives the same bytes.
    let a = bundle::build(&db, &blobs, &reference, &BundleOptions::new(d.join("a")))
        .await
        .unwrap();
    let b = bundle::build(&db, &blobs, &reference, &BundleOptions::new(d.join("b")))
        .await
        .unwrap();
    assert!(a.records_included > 0 && a.redactions > 0);
    assert_eq!(
        a.files, b.files,
        "the same request and decisions give byte-identical files"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("a/manifest.json")).unwrap()).unwrap();
    for f in manifest["files"].as_array().unwrap() {
        let bytes = std::fs::read(d.join("a").join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], sar_pipeline::blobs::sha256_hex(&bytes));
    }
    db.close().await;
}

#[test]
fn bundle_is_refused_while_proposals_are_pending_or_before_sign_off() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/dev");
    if !shared.is_dir() {
        println!("SKIPPED: ../shared/corpus/dev not found");
        return;
    }
    let (dir, reference) = small_request_run(&shared);
    assert_eq!(reference, "SAR-2026-0001");
    let d = dir.path();
    let out = sar(d, &["bundle", "SAR-2026-0001", "--out", "b"]);
    assert!(!out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("pending proposal(s)") && msg.contains("approve-all"),
        "{msg}"
    );
    ok(
        d,
        &[
            "review",
            "approve-all",
            "SAR-2026-0001",
            "--reviewer",
            "reviewer.one",
        ],
    );
    let out = sar(d, &["bundle", "SAR-2026-0001", "--out", "b"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sign-off"));
    assert!(!d.join("b").join("SAR-2026-0001-disclosure.pdf").exists());
}
