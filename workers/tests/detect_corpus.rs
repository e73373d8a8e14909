//! Scores `sar detect` over every request of the labelled dev corpus with the official
//! scorer (`shared/tools/score.py`, run on this build's `sar`), prints the figures and the
//! worst misses, and asserts the bars. Until text extraction lands, only records held
//! as text (and every record's title) are scored: spans in documents are left out.

use std::path::{Path, PathBuf};
use std::process::Command;

fn shared() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared"))
}

/// `[hit, total]` out of the scorer's JSON.
fn pair(v: &serde_json::Value) -> (f64, f64) {
    (v[0].as_f64().unwrap_or(0.0), v[1].as_f64().unwrap_or(0.0))
}

/// Writes a copy of the corpus whose labels hold only spans in text records' `text` and in
/// titles: what this build can read. Returns its root.
fn text_only_corpus(corpus: &Path, out: &Path) -> PathBuf {
    let root = out.join("corpus");
    for dir in ["labels", "requests"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::os::unix::fs::symlink(
        corpus.join("exports").canonicalize().unwrap(),
        root.join("exports"),
    )
    .unwrap();
    for entry in std::fs::read_dir(corpus.join("requests")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, root.join("requests").join(p.file_name().unwrap())).unwrap();
    }
    for entry in std::fs::read_dir(corpus.join("labels")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with('_') || !name.ends_with(".json") {
            continue;
        }
        let mut labels: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        for subject in labels["subjects"].as_array_mut().unwrap() {
            let spans = subject["spans"].as_array_mut().unwrap();
            spans.retain(|s| matches!(s["field"].as_str(), Some("text") | Some("title")));
        }
        std::fs::write(
            root.join("labels").join(&name),
            serde_json::to_vec(&labels).unwrap(),
        )
        .unwrap();
    }
    root
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
    let tmp = tempfile::tempdir().unwrap();
    let scored = text_only_corpus(&corpus, tmp.path());
    let sar = env!("CARGO_BIN_EXE_sar");
    let run = |extra: &[&str]| {
        Command::new("python3")
            .arg(&scorer)
            .arg("--corpus")
            .arg(&scored)
            .arg("--sar")
            .arg(sar)
            .args(extra)
            .output()
            .expect("run score.py")
    };
    let human = run(&["--no-context"]);
    println!("{}", String::from_utf8_lossy(&human.stdout));
    eprintln!("{}", String::from_utf8_lossy(&human.stderr));
    let out = run(&["--json", "--no-context", "--worst", "0"]);
    let res: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("score.py --json output");
    assert!(
        res["problems"].as_array().is_some_and(|p| p.is_empty()),
        "scorer problems: {}",
        res["problems"]
    );
    let totals = &res["totals"];
    let (kh, kn) = pair(&totals["groups"]["known"]);
    let (uh, un) = pair(&totals["groups"]["unknown"]);
    let (rh, rn) = pair(&totals["keep_all"]);
    let (known, unknown, retention) = (kh / kn, uh / un, rh / rn);
    println!(
        "text-only figures: known people + identifiers {:.2}% ({kh}/{kn}), unknown people {:.2}% ({uh}/{un}), retention {:.2}% ({rh}/{rn})",
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
