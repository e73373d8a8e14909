//! `sar detect`: detection straight over an export, no database.
//!
//! Opens the export, picks the subject's records ([`gather`], a stand-in until the pipeline's
//! gathering stage lands), runs the detector over every record's title and text, and prints
//! the proposals: one JSON object per line with `--json`, else a summary of counts (never the
//! names themselves). Records held as documents are reported on stderr as not yet readable
//! until text extraction lands; none is silently skipped.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use aho_corasick::{AhoCorasick, MatchKind};
use anyhow::Context;
use sar_pipeline::export::{Export, PersonKind as ExportKind, Record};
use sar_redaction::detect::{self, Detector, Policy, Proposal};
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export directory or .zip.
    pub export: PathBuf,
    /// The data subject's person id in the export.
    #[arg(long)]
    pub subject: String,
    /// One JSON object per line per proposal.
    #[arg(long)]
    pub json: bool,
    /// A TOML file whose `[detection]` section overrides the built-in policy.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Scan every record of the export, not only the subject's (for benchmarks and audits).
    #[arg(long)]
    pub all_records: bool,
}

/// One line of `--json` output.
#[derive(Serialize)]
struct Line<'a> {
    record_id: &'a str,
    part: &'a str,
    page: Option<u32>,
    #[serde(flatten)]
    proposal: &'a Proposal,
}

/// A piece of text to scan: a record's title or body.
struct Piece<'a> {
    record: &'a str,
    part: &'static str,
    text: &'a str,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let export = Export::open(&args.export)
        .with_context(|| format!("cannot open the export {}", args.export.display()))?;
    let policy = match &args.policy {
        Some(path) => {
            let doc = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the policy file {}", path.display()))?;
            Policy::from_toml(&doc).with_context(|| format!("policy file {}", path.display()))?
        }
        None => Policy::built_in(),
    };
    let people: Vec<detect::Person> = export.people.iter().map(to_detect_person).collect();
    let relationships: Vec<detect::Relationship> = export
        .relationships
        .iter()
        .map(|r| detect::Relationship {
            from: r.from.as_str().to_string(),
            to: r.to.as_str().to_string(),
            kind: r.kind.clone(),
        })
        .collect();
    let mut detector = Detector::new(people, &relationships, &args.subject, policy)?;

    let records: Vec<&Record> = if args.all_records {
        export.records.iter().collect()
    } else {
        gather(&export, detector.subject())
    };
    let mut pieces = Vec::new();
    let mut unreadable = 0usize;
    for record in &records {
        if let Some(title) = record.title.as_deref() {
            pieces.push(Piece {
                record: record.id.as_str(),
                part: "title",
                text: title,
            });
        }
        if let Some(file) = record.file() {
            // A file's name can name someone ("letter to NAME.pdf").
            pieces.push(Piece {
                record: record.id.as_str(),
                part: "file_name",
                text: file,
            });
        }
        match (record.text(), record.file()) {
            (Some(text), _) => pieces.push(Piece {
                record: record.id.as_str(),
                part: "text",
                text,
            }),
            (None, Some(_)) => {
                unreadable += 1;
                eprintln!(
                    "sar detect: record {}: document not yet readable (text extraction is not built yet); review it by hand",
                    record.id
                );
            }
            (None, None) => eprintln!(
                "sar detect: record {}: has neither text nor file",
                record.id
            ),
        }
    }
    let texts: Vec<&str> = pieces.iter().map(|p| p.text).collect();
    let found = detector.detect_all(&texts);

    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    if args.json {
        let gathered: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        serde_json::to_writer(&mut out, &serde_json::json!({ "gathered": gathered }))?;
        out.write_all(b"\n")?;
        for (piece, proposals) in pieces.iter().zip(&found) {
            for proposal in proposals {
                let line = Line {
                    record_id: piece.record,
                    part: piece.part,
                    page: None,
                    proposal,
                };
                serde_json::to_writer(&mut out, &line)?;
                out.write_all(b"\n")?;
            }
        }
    } else {
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        let mut records_with = std::collections::HashSet::new();
        for (piece, proposals) in pieces.iter().zip(&found) {
            for p in proposals {
                *by_kind
                    .entry(format!("{:?} {:?} {}", p.category, p.action, p.code))
                    .or_default() += 1;
                records_with.insert(piece.record);
            }
        }
        writeln!(
            out,
            "subject {}: {} records gathered, {} texts scanned, {} documents not yet readable",
            args.subject,
            records.len(),
            pieces.len(),
            unreadable
        )?;
        writeln!(
            out,
            "{} proposals in {} records:",
            found.iter().map(Vec::len).sum::<usize>(),
            records_with.len()
        )?;
        for (kind, n) in by_kind {
            writeln!(out, "  {n:>7}  {kind}")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn to_detect_person(p: &sar_pipeline::export::Person) -> detect::Person {
    detect::Person {
        id: p.id.as_str().to_string(),
        name: p.name.clone(),
        aliases: p.aliases.clone(),
        gender: p.gender.clone(),
        dob: p.dob.clone(),
        kind: Some(match p.kind {
            ExportKind::Worker => detect::PersonKind::Worker,
            _ => detect::PersonKind::Citizen,
        }),
        job_title: p.job_title.clone(),
        organisation: p.organisation.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        email: p.email.clone(),
        nhs_number: p.nhs_number.clone(),
        ni_number: p.ni_number.clone(),
        upn: p.upn.clone(),
    }
}

/// The subject's records: on their file, linked to them, or naming them by full name or
/// alias. A stand-in for the pipeline's gathering stage (which also handles namesakes).
pub fn gather<'e>(export: &'e Export, subject: &detect::Person) -> Vec<&'e Record> {
    let mut names: Vec<String> = vec![subject.name.to_lowercase()];
    names.extend(subject.aliases.iter().map(|a| a.to_lowercase()));
    // The given name alone too: records on a relative's file often name the child so. This
    // also picks up a namesake's records; the pipeline's gathering stage sorts those out.
    names.extend(
        subject
            .name
            .split_whitespace()
            .next()
            .map(str::to_lowercase),
    );
    names.retain(|n| n.chars().filter(|c| c.is_alphanumeric()).count() >= 3);
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&names)
        .ok();
    let mentions = |text: &str| {
        automaton.as_ref().is_some_and(|ac| {
            ac.find_iter(text)
                .any(|m| detect::normalize::is_whole_word(text, m.start(), m.end()))
        })
    };
    export
        .records
        .iter()
        .filter(|r| {
            r.file_of.as_str() == subject.id
                || r.people.iter().any(|p| p.as_str() == subject.id)
                || r.title.as_deref().is_some_and(mentions)
                || r.text().is_some_and(mentions)
        })
        .collect()
}
