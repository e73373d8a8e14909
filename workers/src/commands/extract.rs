//! `sar extract FILE`: the text `sar` reads from one document, as the pipeline would read it
//! (TXT, DOCX, EML with attachments, PDF; scans by OCR when tesseract is installed), so an
//! officer can see why a record was or was not gathered.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use sar_redaction::extract::{self, ExtractError};

/// Exit status when the document needs a person (a scan, an unreadable page).
const EXIT_NEEDS_REVIEW: u8 = 3;
/// Exit status when it cannot be read at all (damaged, unsupported).
const EXIT_NOT_PROCESSED: u8 = 4;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document to read (never modified).
    pub input: PathBuf,
    /// Print the parts, notes and OCR word boxes as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(&args.input).with_context(|| format!("reading {}", args.input.display()))?;
    let name = args.input.to_string_lossy();
    let options = sar_pipeline::stages::extract::options();
    match extract::extract_with(&name, &bytes, options) {
        Ok(e) => {
            if args.json {
                let parts: Vec<_> = e
                    .parts
                    .iter()
                    .map(|p| serde_json::json!({"kind": p.kind.to_string(), "page": p.page, "text": p.text}))
                    .collect();
                let ocr: Vec<_> = e
                    .ocr_pages
                    .iter()
                    .map(|p| {
                        serde_json::json!({
                            "page": p.page,
                            "image": [p.image_width, p.image_height],
                            "mean_confidence": p.mean_confidence(),
                            "words": p.words.iter().map(|w| serde_json::json!({
                                "text": &p.text[w.text_range.clone()],
                                "box": [w.left, w.top, w.width, w.height],
                                "confidence": w.confidence,
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let out = serde_json::json!({
                    "outcome": if e.needs_review.is_some() || !e.unread_attachments.is_empty() { "needs_review" } else { "ok" },
                    "needs_review": e.needs_review,
                    "notes": e.notes,
                    "unread_attachments": e.unread_attachments,
                    "parts": parts,
                    "ocr": ocr,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                for part in &e.parts {
                    match part.page {
                        Some(page) => println!("== {} (page {page})", part.kind),
                        None => println!("== {}", part.kind),
                    }
                    println!("{}\n", part.text.trim_end());
                }
                for note in &e.notes {
                    eprintln!("note: {note}");
                }
                for attachment in &e.unread_attachments {
                    eprintln!("not read: attachment {attachment}");
                }
            }
            Ok(
                if e.needs_review.is_some() || !e.unread_attachments.is_empty() {
                    ExitCode::from(EXIT_NEEDS_REVIEW)
                } else {
                    ExitCode::SUCCESS
                },
            )
        }
        Err(err) => {
            let (outcome, code) = match err {
                ExtractError::NeedsReview { .. } => ("needs_review", EXIT_NEEDS_REVIEW),
                _ => ("not_processed", EXIT_NOT_PROCESSED),
            };
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"outcome": outcome, "reason": err.to_string()})
                );
            } else {
                eprintln!("sar extract: {err}");
            }
            Ok(ExitCode::from(code))
        }
    }
}
