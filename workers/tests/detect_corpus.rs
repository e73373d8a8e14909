//! Scores `sar detect` over every request of the labelled dev corpus with the official
//! scorer (`shared/tools/score.py`, run once on this build's `sar`), prints the figures and the
//! worst misses, and asserts the bars over every labelled span: text records, titles,
//! file names and documents (PDF pages, DOCX, emails with their attachments).

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

fn shared() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared"))
}

/// `[hit, total]` out of the scorer's JSON.
fn pair(v: &serde_json::Value) -> (f64, f64) {
    (v[0].as_f64().unwrap_or(0.0), v[1].as_f64().unwrap_or(0.0))
}

#[test]
fn dev_corpus_recall_and_retention() {
    let corpus = shared().join("corpus/dev");
    let scorer = shared().join("tools/score.py");
    if !corpus.is_dir() || !scorer.is_file() {
        println!(
            "SKIPPED: {} or {} not found",
            corpus.display(),
            scorer.display()
        );
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        println!("SKIPPED: python3 is not installed (the official scorer needs it)");
        return;
    }
    // `sar detect` runs once per request (saved), and the report for people is scored again
    // from the saved proposals: detection over the corpus's scans is the costly part.
    let saved = tempfile::tempdir().expect("temp dir");
    let saved = saved.path().as_os_str();
    let score = |args: &[&OsStr]| {
        Command::new("python3")
            .arg(&scorer)
            .arg("--corpus")
            .arg(&corpus)
            .args(args)
            .output()
            .expect("run score.py")
    };
    let sar = OsStr::new(env!("CARGO_BIN_EXE_sar"));
    let out = score(&[
        "--sar".as_ref(),
        sar,
        "--save".as_ref(),
        saved,
        "--json".as_ref(),
        "--no-context".as_ref(),
        "--worst".as_ref(),
        "0".as_ref(),
    ]);
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    let human = score(&["--proposals".as_ref(), saved, "--no-context".as_ref()]);
    println!("{}", String::from_utf8_lossy(&human.stdout));
    eprintln!("{}", String::from_utf8_lossy(&human.stderr));
    let res: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("score.py --json output");
    assert!(
        res["problems"].as_array().is_some_and(|p| p.is_empty()),
        "scorer problems: {}",
        res["problems"]
    );
    // The report above was scored from saved proposals, so the run's times are printed here.
    for request in res["requests"].as_array().into_iter().flatten() {
        let run = &request["run"];
        println!(
            "sar detect {}: {} s, {} MB/s",
            request["name"].as_str().unwrap_or("?"),
            run["seconds"],
            run["mb_per_s"]
        );
    }
    let totals = &res["totals"];
    let (kh, kn) = pair(&totals["groups"]["known"]);
    let (uh, un) = pair(&totals["groups"]["unknown"]);
    let (rh, rn) = pair(&totals["keep_all"]);
    let (known, unknown, retention) = (kh / kn, uh / un, rh / rn);
    println!(
        "dev corpus figures: known people + identifiers {:.2}% ({kh}/{kn}), unknown people {:.2}% ({uh}/{un}), retention {:.2}% ({rh}/{rn})",
        100.0 * known,
        100.0 * unknown,
        100.0 * retention
    );
    assert!(
        kn > 1000.0 && un > 100.0 && rn > 1000.0,
        "the corpus has too few spans to score"
    );
    assert!(
        known >= 0.995,
        "recall of known people and identifiers {:.2}% < 99.5%",
        100.0 * known
    );
    assert!(
        unknown >= 0.97,
        "recall of unknown people {:.2}% < 97%",
        100.0 * unknown
    );
    assert!(
        retention >= 0.97,
        "retention {:.2}% < 97%",
        100.0 * retention
    );
}
