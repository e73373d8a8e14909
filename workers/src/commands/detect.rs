//! `sar detect`: detection straight over an export, no database.
//!
//! Opens the export, extracts every document once (in parallel), gathers the subject's records
//! with the pipeline's gathering rules, runs the detector over each gathered record's title,
//! file name, text and document parts (two passes over the whole request, so a name learnt in
//! one record is proposed in all), and prints the proposals: one JSON object per line with
//! `--json`, else a summary of counts (never the names themselves). A document that cannot be
//! read is reported on stderr with its reason; none is silently skipped.
//!
//! With `SAR_TIMING` set in the environment, the time each phase ended is printed on stderr
//! (for benchmarks; never any record content).

use std::collections::{BTreeMap, HashMap};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;
use sar_pipeline::export::{Body, Export};
use sar_pipeline::gather::{GatherInput, RecordBody, Scope, gather};
use sar_pipeline::stages::detect::to_detect_person;
use sar_redaction::detect::{self, Detector, Policy, Proposal};
use sar_redaction::extract::{self, ExtractError, Extracted};

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

/// The `--json` lines of one piece's proposals, written by hand: the fields in their
/// fixed order, strings escaped as `serde_json` escapes them (it does any string that needs
/// it). Serialising through serde was a visible share of a large run. What every line of a
/// piece shares (record, part, page) is written once, and the category, action and code,
/// fixed words that never need escaping, as they are.
fn json_lines(piece: &Piece<'_>, proposals: &[Proposal]) -> serde_json::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(64);
    head.extend_from_slice(b"{\"record_id\":");
    json_str(&mut head, piece.record)?;
    head.extend_from_slice(b",\"part\":");
    json_str(&mut head, &piece.part)?;
    head.extend_from_slice(b",\"page\":");
    serde_json::to_writer(&mut head, &piece.page)?;
    head.extend_from_slice(b",\"start\":");
    let mut buf = Vec::with_capacity(proposals.len() * 256);
    // The confidences written so far: proposals carry a handful of values, so each float
    // is formatted once per piece rather than once per line.
    let mut confidences: Vec<(u32, Vec<u8>)> = Vec::new();
    for p in proposals {
        buf.extend_from_slice(&head);
        push_number(&mut buf, p.start);
        buf.extend_from_slice(b",\"end\":");
        push_number(&mut buf, p.end);
        buf.extend_from_slice(b",\"text\":");
        json_str(&mut buf, &p.text)?;
        buf.extend_from_slice(b",\"category\":");
        json_word(&mut buf, p.category.as_str());
        buf.extend_from_slice(b",\"action\":");
        json_word(&mut buf, p.action.as_str());
        buf.extend_from_slice(b",\"code\":");
        json_word(&mut buf, p.code.as_str());
        buf.extend_from_slice(b",\"detector\":");
        json_word(&mut buf, p.detector);
        buf.extend_from_slice(b",\"entity\":");
        json_str(&mut buf, &p.entity)?;
        buf.extend_from_slice(b",\"confidence\":");
        let bits = p.confidence.to_bits();
        match confidences.iter().find(|(b, _)| *b == bits) {
            Some((_, text)) => buf.extend_from_slice(text),
            None => {
                let mut text = Vec::new();
                serde_json::to_writer(&mut text, &p.confidence)?;
                buf.extend_from_slice(&text);
                confidences.push((bits, text));
            }
        }
        buf.extend_from_slice(b"}\n");
    }
    Ok(buf)
}

/// A number in decimal, as JSON (and `serde_json`) writes it.
fn push_number(buf: &mut Vec<u8>, n: usize) {
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A fixed word of the format (`third_party_name`, `redact`, `TP`, `people.full`): letters,
/// digits, underscores and dots, which JSON writes as they are.
fn json_word(buf: &mut Vec<u8>, word: &'static str) {
    debug_assert!(
        word.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    );
    buf.push(b'"');
    buf.extend_from_slice(word.as_bytes());
    buf.push(b'"');
}

/// The bytes `serde_json` escapes in a string: control characters, `"` and `\`.
static ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == b'"' as usize || b == b'\\' as usize;
        b += 1;
    }
    table
};

/// Whether any byte of `s` is one JSON escapes: eight bytes at a time (a control character
/// is below 0x20, and `"` and `\\` are found by comparing each byte), the rest by table.
fn needs_escape(s: &str) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes equal to zero have their high bit set in the result (no false positives once
    // combined with `!x & HIGH`, and never false negatives).
    let zero = |y: u64| y.wrapping_sub(LOW) & !y & HIGH;
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // A byte below 0x20 has none of the top three bits set.
        let control = zero(x & (LOW * 0xe0));
        let quote = zero(x ^ (LOW * u64::from(b'"')));
        let backslash = zero(x ^ (LOW * u64::from(b'\\')));
        if (control | quote | backslash) != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| ESCAPED[b as usize])
}

/// A JSON string: copied as it is when nothing in it needs escaping (nearly always).
fn json_str(buf: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    if !needs_escape(s) {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(buf, s)
    }
}

/// A piece of text to scan: a record's title, file name, text or a document part.
struct Piece<'a> {
    record: &'a str,
    part: String,
    page: Option<u32>,
    text: &'a str,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let t0 = std::time::Instant::now();
    let lap = |what: &str| {
        if std::env::var_os("SAR_TIMING").is_some() {
            eprintln!("{:>8.3} s  {what}", t0.elapsed().as_secs_f64());
        }
    };
    // The built-in word lists and patterns do not depend on the export: build them on
    // another core while this one reads it.
    rayon::spawn(detect::warm_up);
    let export = Export::open(&args.export)
        .with_context(|| format!("cannot open the export {}", args.export.display()))?;
    lap("export open");
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
    lap("detector built");

    // Every document once, in parallel (scans by OCR when there is a tool for it). The
    // options are worked out at the first document: looking for the OCR tool runs it twice,
    // which an export of text records alone need not wait for.
    let extracted: HashMap<&str, Result<Extracted, String>> = export
        .records
        .par_iter()
        .filter_map(|r| match &r.body {
            Body::File(path) => {
                let result = export
                    .read_file(path)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| {
                        extract::extract_with(
                            path,
                            &bytes,
                            sar_pipeline::stages::extract::options(),
                        )
                        .map_err(|e: ExtractError| e.to_string())
                    });
                Some((r.id.as_str(), result))
            }
            Body::Text(_) => None,
        })
        .collect();

    // The records gathered for the subject, and (scanned too, but not counted as gathered)
    // those gathering put to a reviewer.
    let mut gathered_ids: Option<std::collections::HashSet<String>> = None;
    let records: Vec<&sar_pipeline::export::Record> = if args.all_records {
        export.records.iter().collect()
    } else {
        let subject = sar_pipeline::ids::PersonId::new(args.subject.clone());
        let scope = Scope::default();
        let input = GatherInput {
            people: &export.people,
            relationships: &export.relationships,
            records: &export.records,
            subject: &subject,
            scope: &scope,
        };
        let gathered = gather(input, |record| {
            Some(match (&record.body, extracted.get(record.id.as_str())) {
                (Body::Text(t), _) => RecordBody::readable(t.clone()),
                (_, Some(Ok(e))) if !e.is_blank() => RecordBody::readable(e.full_text()),
                (_, Some(Ok(_))) => RecordBody::unreadable("no text in the document"),
                (_, Some(Err(reason))) => RecordBody::unreadable(reason.clone()),
                (_, None) => RecordBody::unreadable("not read"),
            })
        })?;
        let ids: std::collections::HashSet<&str> =
            gathered.all_ids().map(|id| id.as_str()).collect();
        let review: std::collections::HashSet<&str> = gathered
            .needs_review
            .iter()
            .map(|r| r.record.as_str())
            .collect();
        for id in &review {
            eprintln!(
                "sar detect: record {id}: put to a reviewer by gathering (unreadable or ambiguous)"
            );
        }
        gathered_ids = Some(ids.iter().map(|s| s.to_string()).collect());
        export
            .records
            .iter()
            .filter(|r| ids.contains(r.id.as_str()) || review.contains(r.id.as_str()))
            .collect()
    };

    let mut pieces = Vec::new();
    let mut unreadable = 0usize;
    for record in &records {
        let id = record.id.as_str();
        if let Some(title) = record.title.as_deref() {
            pieces.push(Piece {
                record: id,
                part: "title".into(),
                page: None,
                text: title,
            });
        }
        match &record.body {
            Body::Text(text) => pieces.push(Piece {
                record: id,
                part: "text".into(),
                page: None,
                text,
            }),
            Body::File(path) => {
                pieces.push(Piece {
                    record: id,
                    part: "file_name".into(),
                    page: None,
                    text: path,
                });
                match extracted.get(id) {
                    Some(Ok(e)) => {
                        for part in &e.parts {
                            pieces.push(Piece {
                                record: id,
                                part: part.kind.to_string(),
                                page: part.page,
                                text: &part.text,
                            });
                        }
                        for a in &e.unread_attachments {
                            eprintln!(
                                "sar detect: record {id}: attachment {a} could not be read; review it by hand"
                            );
                        }
                    }
                    Some(Err(reason)) => {
                        unreadable += 1;
                        eprintln!("sar detect: record {id}: {reason}");
                    }
                    None => {}
                }
            }
        }
    }
    let texts: Vec<&str> = pieces.iter().map(|p| p.text).collect();
    lap("extracted and gathered");
    // Not locked for the whole run: a batch of lines is written on one core while the next
    // batch is detected, and the writer moves between threads.
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout());
    let found = if args.json {
        let gathered: Vec<&str> = records
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| gathered_ids.as_ref().is_none_or(|g| g.contains(*id)))
            .collect();
        serde_json::to_writer(&mut out, &serde_json::json!({ "gathered": gathered }))?;
        out.write_all(b"\n")?;
        // Each text's lines are made on the core that found its proposals (which are freed
        // there), and written out a batch of texts at a time, in order, while the next batch
        // is read: the output is never all in memory at once.
        detector.detect_all_streamed(
            &texts,
            256,
            |i, proposals| json_lines(&pieces[i], &proposals),
            |batch| -> anyhow::Result<()> {
                for chunk in batch {
                    out.write_all(&chunk?)?;
                }
                Ok(())
            },
        )?;
        lap("detected");
        None
    } else {
        let found = detector.detect_all(&texts);
        lap("detected");
        Some(found)
    };
    if let Some(found) = &found {
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        let mut records_with = std::collections::HashSet::new();
        for (piece, proposals) in pieces.iter().zip(found) {
            for p in proposals {
                *by_kind
                    .entry(format!("{:?} {:?} {}", p.category, p.action, p.code))
                    .or_default() += 1;
                records_with.insert(piece.record);
            }
        }
        writeln!(
            out,
            "subject {}: {} records gathered, {} texts scanned, {} documents unreadable (listed above)",
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
    lap("written");
    // The process ends here: its memory goes back to the system at once, rather than the
    // export, the documents and the dictionaries being freed piece by piece first.
    std::mem::forget((extracted, detector));
    std::mem::forget(export);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sar_redaction::detect::{Action, Category, ReasonCode};

    #[test]
    fn json_lines_round_trip_with_escapes() {
        let piece = Piece {
            record: "R-1",
            part: "text".into(),
            page: Some(3),
            text: "",
        };
        let proposal = |text: &str| Proposal {
            start: 4,
            end: 9,
            text: text.into(),
            category: Category::ThirdPartyName,
            action: Action::Redact,
            code: ReasonCode::TP,
            detector: "people.full",
            entity: "person:P\\1".into(),
            confidence: 0.99,
        };
        let props = [proposal("Renée \"K\"\n\u{1}"), proposal("Karen")];
        let bytes = json_lines(&piece, &props).unwrap();
        for n in [0, 7, 10, 99, 1234567, usize::MAX] {
            let mut buf = Vec::new();
            push_number(&mut buf, n);
            assert_eq!(buf, serde_json::to_vec(&n).unwrap());
        }
        let lines: Vec<serde_json::Value> = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["text"], "Renée \"K\"\n\u{1}");
        assert_eq!(lines[0]["entity"], "person:P\\1");
        assert_eq!(lines[1]["page"], 3);
        assert_eq!(lines[1]["category"], "third_party_name");
        assert_eq!(lines[1]["code"], "TP");
        // The eight-byte escape test agrees with the table at every position.
        for b in 0..=255u8 {
            for at in 0..11 {
                let mut bytes = vec![b'a'; 11];
                bytes[at] = b;
                if let Ok(s) = std::str::from_utf8(&bytes) {
                    assert_eq!(needs_escape(s), ESCAPED[b as usize], "{b} at {at}");
                }
            }
        }
        assert!(!needs_escape(
            "Ren\u{e9}e \u{2019}\u{1f600} M\u{fc}ller \u{a0}x"
        ));
        assert!(needs_escape("Ren\u{e9}e\u{7f}\u{1f}"));
        let expected = r#"{"record_id":"R-1","part":"text","page":3,"start":4,"end":9,"text":"Karen","category":"third_party_name","action":"redact","code":"TP","detector":"people.full","entity":"person:P\\1","confidence":0.99}"#;
        assert_eq!(
            String::from_utf8_lossy(&bytes).lines().nth(1),
            Some(expected)
        );
    }
}
