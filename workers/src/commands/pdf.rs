//! `sar redact-pdf` and `sar pdf-text`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use sar_redaction::pdf::{
    self, BoxStyle, Fill, PdfError, Rect, RedactionPlan, Region, TermRedaction,
};

#[derive(Debug, clap::Args)]
pub struct RedactArgs {
    /// The PDF to redact (never modified).
    pub input: PathBuf,
    /// Where to write the redacted PDF.
    pub output: PathBuf,
    /// A term to remove (case-insensitive, whole word, whitespace-tolerant). Repeatable.
    #[arg(long = "term")]
    pub terms: Vec<String>,
    /// A file with one term per line.
    #[arg(long)]
    pub terms_file: Option<PathBuf>,
    /// A region to redact: PAGE:X0,Y0,X1,Y1 in PDF points. Repeatable.
    #[arg(long = "region")]
    pub regions: Vec<String>,
    /// The reason code printed in each box.
    #[arg(long, default_value = "TP")]
    pub code: String,
    /// Box colour: `black`, `pale-grey` or `R,G,B` (0..1 each).
    #[arg(long, default_value = "black")]
    pub fill: String,
    /// Do not print the reason code inside the boxes.
    #[arg(long)]
    pub no_labels: bool,
    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct TextArgs {
    /// The PDF to read.
    pub input: PathBuf,
    /// Print pages with every character's box as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Exit code for "needs manual review" (fail closed), distinct from usage or I/O errors.
const EXIT_NEEDS_REVIEW: u8 = 3;

fn parse_region(s: &str, code: &str) -> anyhow::Result<Region> {
    let (page, coords) = s
        .split_once(':')
        .with_context(|| format!("region {s:?} is not PAGE:X0,Y0,X1,Y1"))?;
    let page: u32 = page
        .trim()
        .parse()
        .with_context(|| format!("region {s:?}: bad page number"))?;
    let v: Vec<f64> = coords
        .split(',')
        .map(|c| c.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("region {s:?}: coordinates must be numbers"))?;
    anyhow::ensure!(
        v.len() == 4,
        "region {s:?}: expected four coordinates X0,Y0,X1,Y1"
    );
    Ok(Region {
        page,
        rect: Rect::new(v[0], v[1], v[2], v[3]),
        code: code.to_string(),
    })
}

fn parse_fill(s: &str) -> anyhow::Result<Fill> {
    Ok(match s {
        "black" => Fill::Black,
        "pale-grey" | "pale-gray" => Fill::PaleGrey,
        rgb => {
            let v: Vec<f32> = rgb
                .split(',')
                .map(|c| c.trim().parse::<f32>())
                .collect::<Result<_, _>>()
                .with_context(|| format!("--fill {rgb:?}: expected black, pale-grey or R,G,B"))?;
            anyhow::ensure!(v.len() == 3, "--fill {rgb:?}: expected three components");
            Fill::Rgb(v[0], v[1], v[2])
        }
    })
}

fn review_exit(json: bool, err: &PdfError, file: &std::path::Path) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::json!({"outcome": "needs_review", "file": file.display().to_string(), "reason": err.to_string()})
        );
    } else {
        eprintln!("{}: {err}", file.display());
    }
    ExitCode::from(EXIT_NEEDS_REVIEW)
}

pub fn redact(args: RedactArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let mut terms = args.terms.clone();
    if let Some(path) = &args.terms_file {
        let list = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read terms file {}", path.display()))?;
        terms.extend(
            list.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    let regions = args
        .regions
        .iter()
        .map(|r| parse_region(r, &args.code))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let plan = RedactionPlan {
        ranges: Vec::new(),
        regions,
        terms: terms
            .into_iter()
            .map(|text| TermRedaction {
                text,
                code: args.code.clone(),
            })
            .collect(),
        box_style: BoxStyle {
            fill: parse_fill(&args.fill)?,
            label_codes: !args.no_labels,
        },
    };
    let redacted = match pdf::redact(&bytes, &plan) {
        Ok(r) => r,
        Err(e @ (PdfError::NeedsReview { .. } | PdfError::Leak { .. })) => {
            return Ok(review_exit(args.json, &e, &args.input));
        }
        Err(e) => return Err(e.into()),
    };
    std::fs::write(&args.output, &redacted.pdf)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let r = &redacted.report;
    if args.json {
        println!(
            "{}",
            serde_json::json!({"outcome": "redacted", "output": args.output.display().to_string(), "report": r})
        );
    } else {
        println!(
            "{}: {} pages, {} term occurrences, {} glyphs removed, {} boxes, {} images redacted, verified",
            args.output.display(),
            r.pages,
            r.term_occurrences,
            r.glyphs_removed,
            r.boxes.len(),
            r.images_redacted
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn text(args: TextArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let pages = match pdf::extract_text(&bytes) {
        Ok(p) => p,
        Err(e) => return Ok(review_exit(args.json, &e, &args.input)),
    };
    if args.json {
        println!("{}", serde_json::to_string(&pages)?);
    } else {
        for p in &pages {
            println!("{}\n\u{c}", p.text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
