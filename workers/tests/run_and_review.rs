//! A request from import to sign-off through the real binary: `sar run` gathers what the labels
//! say belongs to the subject, proposals wait for review, and sign-off needs a second person.

use std::collections::HashSet;
use std::path::Path;

mod common;
use common::{ok, sar};

#[test]
fn run_gathers_the_labelled_records_and_review_needs_four_eyes() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/dev");
    if !shared.is_dir() {
        println!("SKIPPED: ../shared/corpus/dev not found");
        return;
    }
    let labels: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared.join("labels/dev03-medway-caredirector.json")).unwrap(),
    )
    .unwrap();
    let subject = &labels["subjects"][0];
    let subject_id = subject["subject_person_id"].as_str().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(
        d,
        &[
            "import",
            shared
                .join("exports/dev03-medway-caredirector")
                .to_str()
                .unwrap(),
        ],
    );
    ok(
        d,
        &[
            "request",
            "new",
            "--subject",
            subject_id,
            "--received",
            "2026-11-25",
        ],
    );
    let run: serde_json::Value =
        serde_json::from_str(&ok(d, &["run", "SAR-2026-0001", "--json"])).unwrap();
    let status = &run["status"];
    assert_eq!(status["status"], "in_review");
    assert!(
        status["failures"].as_array().unwrap().is_empty(),
        "{status}"
    );
    let gathered = status["gathered"].as_u64().unwrap() + status["duplicates"].as_u64().unwrap();

    // Gathering: every labelled record present (or put to review when unreadable), none of the
    // others (a copy of a gathered record may stand for it).
    let must: HashSet<&str> = subject["gather"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let must_not: HashSet<&str> = subject["not_gather"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&ok(d, &["review", "list", "SAR-2026-0001", "--json"])).unwrap();
    assert!(list.len() > 100, "only {} proposals", list.len());
    let proposed_records: HashSet<&str> = list
        .iter()
        .map(|p| p["record_id"].as_str().unwrap())
        .collect();
    assert!(
        proposed_records.iter().all(|r| !must_not.contains(r)),
        "proposals on a record that must not be gathered"
    );
    assert!(
        gathered as usize >= must.len() - 2 && gathered as usize <= must.len(),
        "gathered {gathered} of {}",
        must.len()
    );

    // Four eyes.
    let refused = sar(
        d,
        &["review", "sign-off", "SAR-2026-0001", "--approver", "bob"],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("still pending"));
    let first = list[0]["id"].as_i64().unwrap().to_string();
    ok(
        d,
        &[
            "review",
            "decide",
            "SAR-2026-0001",
            "--proposal",
            &first,
            "--reject",
            "--reviewer",
            "ann",
        ],
    );
    ok(
        d,
        &[
            "review",
            "approve-all",
            "SAR-2026-0001",
            "--reviewer",
            "ann",
        ],
    );
    let same = sar(
        d,
        &["review", "sign-off", "SAR-2026-0001", "--approver", "ann"],
    );
    assert!(String::from_utf8_lossy(&same.stderr).contains("only reviewer"));
    ok(
        d,
        &["review", "sign-off", "SAR-2026-0001", "--approver", "bob"],
    );
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&ok(d, &["review", "list", "SAR-2026-0001", "--json"])).unwrap();
    assert_eq!(
        list.iter().filter(|p| p["standing"] == "rejected").count(),
        1
    );
    assert!(
        list.iter()
            .all(|p| p["standing"] != "pending" && p["reviewer"] == "ann")
    );
    let show: serde_json::Value =
        serde_json::from_str(&ok(d, &["request", "show", "SAR-2026-0001", "--json"])).unwrap();
    assert_eq!(show["request"]["status"], "approved");

    // Running again changes nothing.
    let again: serde_json::Value =
        serde_json::from_str(&ok(d, &["run", "SAR-2026-0001", "--json"])).unwrap();
    assert_eq!(again["run"]["completed"], 0);
    assert_eq!(again["status"]["proposals"], status["proposals"]);
}
