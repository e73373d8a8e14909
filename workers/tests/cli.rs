//! The `sar` binary as a SAR officer uses it: init, import, requests, deadlines, and the errors
//! a newcomer hits. Runs the real binary; on PostgreSQL too when `SAR_TEST_POSTGRES_URL` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Sar {
    dir: tempfile::TempDir,
    database_url: Option<String>,
}

impl Sar {
    fn new(database_url: Option<String>) -> Sar {
        Sar {
            dir: tempfile::tempdir().unwrap(),
            database_url,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sar"));
        cmd.current_dir(self.dir.path())
            .args(args)
            .env_remove("SAR_DATABASE_URL")
            .env("SAR_USER", "officer.test");
        if let Some(url) = &self.database_url {
            cmd.env("SAR_DATABASE_URL", url);
        }
        cmd.output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "sar {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A failure must be one line on stderr, a non-zero exit, and no panic or backtrace.
    fn fails(&self, args: &[&str], needle: &str) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "sar {args:?} should fail");
        assert!(
            stderr.contains(needle),
            "sar {args:?}: {stderr:?} lacks {needle:?}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
            "{stderr}"
        );
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "one-line error expected: {stderr}"
        );
    }
}

fn dev_export(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/dev/exports")
        .join(name);
    if p.is_dir() {
        Some(p)
    } else {
        println!("SKIPPED: {} not found", p.display());
        None
    }
}

fn walkthrough(sar: Sar) {
    let Some(export) = dev_export("dev03-medway-caredirector") else {
        return;
    };
    let export = export.to_str().unwrap();
    sar.ok(&["init"]);
    let imported = sar.ok(&["import", export]);
    assert!(imported.contains("records 358 (358 new"), "{imported}");
    assert!(
        imported.contains("is missing from the export"),
        "{imported}"
    );
    let again = sar.ok(&["import", export, "--json"]);
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["records_unchanged"], 358);

    let reference = sar.ok(&[
        "request",
        "new",
        "--subject",
        "PER-047764",
        "--received",
        "2026-11-25",
    ]);
    assert_eq!(reference.trim(), "SAR-2026-0001");
    // 25 Nov 2026 -> 25 Dec (Christmas Day), Boxing Day, then the weekend: due Tue 29 Dec.
    let show: serde_json::Value = serde_json::from_str(&sar.ok(&[
        "request",
        "show",
        "SAR-2026-0001",
        "--json",
        "--today",
        "2026-11-30",
    ]))
    .unwrap();
    assert_eq!(show["deadline"]["due"], "2026-12-29");
    assert_eq!(show["deadline"]["days_left"], 29);

    // A clarification pause of 7 days: 25 Dec + 7 = Fri 1 Jan 2027 (New Year's Day), then the
    // weekend: due Mon 4 Jan 2027.
    sar.ok(&[
        "request",
        "pause",
        "SAR-2026-0001",
        "--from",
        "2026-12-01",
        "--reason",
        "clarification",
    ]);
    sar.ok(&["request", "resume", "SAR-2026-0001", "--on", "2026-12-08"]);
    let show: serde_json::Value =
        serde_json::from_str(&sar.ok(&["request", "show", "SAR-2026-0001", "--json"])).unwrap();
    assert_eq!(show["deadline"]["due"], "2027-01-04");
    let events: Vec<&str> = show["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["received", "paused", "resumed"]);
    assert!(
        show["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "officer.test")
    );

    // An extension told in time: the corresponding date three months after the start
    // (25 Feb 2027) plus the 7 paused days = Thu 4 Mar 2027.
    sar.ok(&[
        "request",
        "extend",
        "SAR-2026-0001",
        "--reason",
        "thousands of pages",
        "--notified-on",
        "2026-12-10",
    ]);
    let show: serde_json::Value =
        serde_json::from_str(&sar.ok(&["request", "show", "SAR-2026-0001", "--json"])).unwrap();
    assert_eq!(show["deadline"]["due"], "2027-03-04");

    // A second request whose extension notice comes too late is refused.
    sar.ok(&[
        "request",
        "new",
        "--subject",
        "PER-047764",
        "--received",
        "2026-01-05",
        "--requester-relationship",
        "solicitor",
        "--requester-name",
        "A Solicitor",
    ]);
    sar.fails(
        &[
            "request",
            "extend",
            "SAR-2026-0002",
            "--reason",
            "late",
            "--notified-on",
            "2026-03-01",
        ],
        "too late to extend",
    );

    let caseload: serde_json::Value =
        serde_json::from_str(&sar.ok(&["deadlines", "--json", "--today", "2026-12-10"])).unwrap();
    let open: Vec<&str> = caseload["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["reference"].as_str().unwrap())
        .collect();
    // Overdue first.
    assert_eq!(open, ["SAR-2026-0002", "SAR-2026-0001"]);
    assert!(caseload["open"][0]["days_left"].as_i64().unwrap() < 0);
    let feb = caseload["on_time_by_month"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2026-02")
        .unwrap();
    assert_eq!(
        (feb["due"].as_u64(), feb["late"].as_u64()),
        (Some(1), Some(1))
    );

    sar.fails(&["request", "show", "SAR-2026-0099"], "sar request list");
    sar.fails(
        &[
            "request",
            "new",
            "--subject",
            "NOBODY",
            "--received",
            "2026-01-01",
        ],
        "sar import",
    );
    sar.fails(
        &[
            "request",
            "new",
            "--subject",
            "PER-047764",
            "--received",
            "01/02/2026",
        ],
        "YYYY-MM-DD",
    );
    sar.fails(
        &["request", "resume", "SAR-2026-0001", "--on", "2026-12-09"],
        "not paused",
    );
}

#[test]
fn officer_walkthrough_on_sqlite() {
    walkthrough(Sar::new(None));
}

#[test]
fn officer_walkthrough_on_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = rt.block_on(sar_pipeline::testing::fresh_postgres_database(
        "cli_walkthrough",
    )) else {
        println!(
            "SKIPPED: set {} to run the PostgreSQL walkthrough",
            sar_pipeline::testing::POSTGRES_ENV
        );
        return;
    };
    walkthrough(Sar::new(Some(url)));
}

/// `sar extract` prints a document's text; a scan is "needs review" (exit 3) whether or not
/// OCR reads it, and with OCR its words come with boxes.
#[test]
fn extract_prints_a_documents_text_and_flags_scans() {
    let sar = Sar::new(None);
    let dir = tempfile::tempdir().unwrap();
    let note = dir.path().join("note.txt");
    std::fs::write(&note, b"Visit to Jordan.\r\nMum\x92s flat was tidy.\r\n").unwrap();
    let out = sar.run(&["extract", note.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Mum\u{2019}s flat was tidy."), "{text}");

    let scans = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/dev/exports/dev03-medway-caredirector/documents/2023");
    let Some(scan) = std::fs::read_dir(&scans).ok().and_then(|entries| {
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "png"))
    }) else {
        println!("SKIPPED (scan part): ../shared/corpus/dev not found beside the checkout");
        return;
    };
    let out = sar.run(&["extract", scan.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(3), "a scan needs a person");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "needs_review");
    if let Some(ocr) = report["ocr"].as_array().filter(|o| !o.is_empty()) {
        let words = ocr[0]["words"].as_array().unwrap();
        assert!(words.len() > 10, "{report}");
        assert!(
            words
                .iter()
                .all(|w| w["box"].as_array().unwrap().len() == 4)
        );
    } else {
        assert!(
            std::env::var_os("SAR_TEST_OCR").is_none(),
            "SAR_TEST_OCR is set but the scan was not read by OCR: {report}"
        );
        println!("SKIPPED (OCR part): tesseract is not installed");
    }
}

#[test]
fn help_lists_every_command() {
    let sar = Sar::new(None);
    let help = sar.ok(&["--help"]);
    for command in [
        "init",
        "import",
        "request",
        "deadline",
        "deadlines",
        "detect",
        "redact-pdf",
        "pdf-text",
        "extract",
    ] {
        assert!(help.contains(command), "--help lacks {command}");
    }
    let request_help = sar.ok(&["request", "--help"]);
    for sub in [
        "new",
        "list",
        "show",
        "pause",
        "resume",
        "id-received",
        "extend",
    ] {
        assert!(request_help.contains(sub), "request --help lacks {sub}");
    }
}

#[test]
fn commands_without_a_database_say_to_run_init() {
    let sar = Sar::new(None);
    sar.fails(&["request", "list"], "sar init");
    sar.fails(&["deadlines"], "sar init");
    sar.fails(&["import", "/nonexistent"], "sar init");
}

#[test]
fn unreadable_exports_exit_non_zero() {
    let sar = Sar::new(None);
    sar.ok(&["init"]);
    let bad = sar.dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    sar.fails(&["import", bad.to_str().unwrap()], "no export.json");
    std::fs::write(bad.join("export.json"), "{ nope").unwrap();
    sar.fails(&["import", bad.to_str().unwrap()], "not valid JSON");
    std::fs::write(
        bad.join("export.json"),
        r#"{"format": "other/2", "records": []}"#,
    )
    .unwrap();
    sar.fails(&["import", bad.to_str().unwrap()], "unknown export format");
}

#[test]
fn the_deadline_calculator_prints_only_the_date() {
    let sar = Sar::new(None);
    // The ICO's worked example: 30 Jan 2025 -> 28 Feb 2025 (extended: 30 Apr 2025).
    assert_eq!(
        sar.ok(&["deadline", "--received", "2025-01-30"]),
        "2025-02-28\n"
    );
    assert_eq!(
        sar.ok(&["deadline", "--received", "2025-01-30", "--extended"]),
        "2025-04-30\n"
    );
    sar.fails(&["deadline", "--received", "30/01/2025"], "YYYY-MM-DD");
}
