//! Turns the peer benchmark's case-note corpus (`shared/bench/gen_corpus.py`) into a records
//! export, and scores `sar detect --json` output against the corpus's labelled spans.
//!
//! ```sh
//! python3 ../shared/bench/gen_corpus.py --out /tmp/bench --skip-pdf
//! cargo run --release -p sar-workers --example bench_corpus -- convert /tmp/bench /tmp/bench/export
//! target/release/sar detect /tmp/bench/export --subject P01668 --all-records --json > /tmp/bench/props.jsonl
//! cargo run --release -p sar-workers --example bench_corpus -- score /tmp/bench /tmp/bench/props.jsonl
//! ```
//!
//! Each note (`CASE NOTE #n | type | date | case ref`) becomes a text record; every person of
//! `corpus_terms.json` becomes a person (professionals as workers). Recall counts a
//! third-party span as found when redacting proposals in its note cover all its bytes.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("convert") if args.len() == 4 => convert(Path::new(&args[2]), Path::new(&args[3])),
        Some("score") if args.len() == 4 => score(Path::new(&args[2]), Path::new(&args[3])),
        _ => Err(
            "usage: bench_corpus convert BENCH_OUT EXPORT_DIR | score BENCH_OUT PROPOSALS.jsonl"
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("bench_corpus: {e}");
        std::process::exit(1);
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Byte ranges of the notes in corpus.txt.
fn notes(corpus: &str) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = corpus
        .match_indices("CASE NOTE #")
        .map(|(i, _)| i)
        .collect();
    starts.retain(|&i| i == 0 || corpus.as_bytes()[i - 1] == b'\n');
    let mut out = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(corpus.len());
        out.push((s, e));
    }
    out
}

fn convert(bench: &Path, export: &Path) -> Res<()> {
    let corpus = std::fs::read_to_string(bench.join("corpus.txt"))?;
    let terms: Value =
        serde_json::from_str(&std::fs::read_to_string(bench.join("corpus_terms.json"))?)?;
    let mut people = Vec::new();
    for p in terms["people"]
        .as_array()
        .ok_or("corpus_terms.json has no people")?
    {
        let s = |k: &str| p[k].as_str().map(str::to_string);
        let worker = p["cls"].as_str() == Some("professional");
        let address = match (s("address"), s("postcode")) {
            (Some(a), Some(pc)) => Some(format!("{a} {pc}")),
            (a, _) => a,
        };
        let phones: Vec<String> = [s("phone"), s("landline")].into_iter().flatten().collect();
        people.push(json!({
            "id": s("pid"), "name": s("full"), "kind": if worker { "worker" } else { "citizen" },
            "gender": match p["sex"].as_str() { Some("F") => "female", Some("M") => "male", _ => "unknown" },
            "dob": s("dob"), "address": address, "phone": phones.first(), "email": s("email"),
            "nhs_number": s("nhs"), "ni_number": s("nino"), "job_title": s("role"), "organisation": s("org"),
        }));
    }
    let subject = terms["people"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["role"].as_str() == Some("subject")))
        .and_then(|p| p["pid"].as_str())
        .ok_or("no subject in corpus_terms.json")?;
    let mut records = Vec::new();
    for (n, (s, e)) in notes(&corpus).into_iter().enumerate() {
        records.push(json!({
            "id": format!("N-{n:05}"), "kind": "case_note", "file_of": subject, "date": "2020-01-01",
            "title": "Case note", "people": [], "text": &corpus[s..e],
        }));
    }
    std::fs::create_dir_all(export)?;
    let doc = json!({
        "format": "sar-records-export/1", "source_system": "gen_corpus.py", "exported_at": "2026-01-01T00:00:00Z",
        "people": people, "relationships": [], "records": records,
    });
    std::fs::write(export.join("export.json"), serde_json::to_vec(&doc)?)?;
    println!(
        "wrote {} ({} people, {} records); run with --subject {subject} --all-records",
        export.display(),
        people.len(),
        records.len()
    );
    Ok(())
}

fn score(bench: &Path, proposals: &Path) -> Res<()> {
    let corpus = std::fs::read_to_string(bench.join("corpus.txt"))?;
    let notes = notes(&corpus);
    // Covered byte ranges per note, from redacting proposals on the text part.
    let mut covered: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for line in std::fs::read_to_string(proposals)?.lines() {
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) => continue,
        };
        let (Some(rid), Some(s), Some(e)) = (
            v["record_id"].as_str(),
            v["start"].as_u64(),
            v["end"].as_u64(),
        ) else {
            continue;
        };
        let action = v["action"].as_str().unwrap_or("");
        if v["part"].as_str() != Some("text")
            || !(action.contains("redact") || action.contains("review"))
        {
            continue;
        }
        let Some(n) = rid.strip_prefix("N-").and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        covered.entry(n).or_default().push((s as usize, e as usize));
    }
    for ranges in covered.values_mut() {
        ranges.sort_unstable();
    }
    let spans = std::fs::read_to_string(bench.join("corpus_spans.tsv"))?;
    let mut by_kind: HashMap<String, (usize, usize)> = HashMap::new();
    let mut misses: HashMap<String, usize> = HashMap::new();
    for line in spans.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 4 || f[2] != "third_party" {
            continue;
        }
        let (s, e): (usize, usize) = (f[0].parse()?, f[1].parse()?);
        let n = notes.partition_point(|&(ns, _)| ns <= s).saturating_sub(1);
        let (rs, re) = (s - notes[n].0, e - notes[n].0);
        let mut at = rs;
        for &(a, b) in covered.get(&n).map(Vec::as_slice).unwrap_or(&[]) {
            if a <= at && b > at {
                at = b;
            }
            if at >= re {
                break;
            }
        }
        let hit = at >= re;
        let entry = by_kind.entry(f[3].to_string()).or_default();
        entry.1 += 1;
        if hit {
            entry.0 += 1;
        } else {
            *misses
                .entry(format!("{}: {}", f[3], &corpus[s..e]))
                .or_default() += 1;
        }
    }
    let (mut h, mut t) = (0, 0);
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort();
    for (k, (hit, total)) in &kinds {
        println!(
            "  {k:16} {hit:>7}/{total:<7} {:6.2}%",
            100.0 * *hit as f64 / *total as f64
        );
        h += hit;
        t += total;
    }
    println!(
        "third-party spans covered: {h}/{t} = {:.2}%",
        100.0 * h as f64 / t.max(1) as f64
    );
    let mut worst: Vec<_> = misses.into_iter().collect();
    worst.sort_by_key(|b| std::cmp::Reverse(b.1));
    for (m, n) in worst.iter().take(15) {
        println!("  missed x{n}: {m}");
    }
    Ok(())
}
