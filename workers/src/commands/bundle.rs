//! `sar bundle REF --out DIR`: build the disclosure bundle of a signed-off request.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use sar_pipeline::blobs::BlobStore;
use sar_pipeline::bundle::{self, BoxColour, BundleConfig, BundleOptions, BundleSummary};

use crate::cli::Global;
use crate::commands::open_db;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The request's reference (SAR-2026-0001).
    pub reference: String,
    /// Directory to write the bundle into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// The authority's bundle template (default: the built-in `config/bundle.toml`).
    #[arg(long)]
    pub template: Option<PathBuf>,
    /// Redaction box colour: `pale-grey` or `black` (default: pale grey for care leavers,
    /// black otherwise, from the template).
    #[arg(long, value_parser = parse_colour)]
    pub boxes: Option<BoxColour>,
    /// Pages per volume.
    #[arg(long, default_value_t = 500)]
    pub volume_pages: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_colour(s: &str) -> Result<BoxColour, String> {
    match s {
        "pale-grey" | "pale-gray" | "grey" | "gray" => Ok(BoxColour::PaleGrey),
        "black" => Ok(BoxColour::Black),
        other => Err(format!(
            "unknown box colour {other:?}; use pale-grey or black"
        )),
    }
}

pub async fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let db = open_db(global, false).await?;
    let blobs = BlobStore::in_data_dir(&global.data_dir);
    let mut options = BundleOptions::new(&args.out);
    if let Some(t) = &args.template {
        options.config = BundleConfig::from_file(t)?;
    }
    options.box_colour = args.boxes;
    options.volume_pages = args.volume_pages.clamp(1, 500);
    let started = Instant::now();
    // A spinner while the bundle is built (drawn only on a terminal, never with --json).
    let spinner = if args.json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    spinner.set_message(format!(
        "building the bundle of {}: redacting documents, typesetting, checking for leaks",
        args.reference.trim()
    ));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let built = bundle::build(&db, &blobs, args.reference.trim(), &options).await;
    spinner.finish_and_clear();
    let summary = built?;
    db.close().await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print(&summary, started.elapsed().as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}

/// The human summary of a built bundle.
pub fn print(s: &BundleSummary, seconds: f64) {
    println!("{}: bundle written to {}", s.reference, s.out_dir);
    for name in &s.disclosure {
        println!("  disclosure:   {name}");
    }
    for name in &s.review_copy {
        println!("  review copy:  {name}  (SAR team only: redacted text visible)");
    }
    println!("  pages:        {} in {} volume(s)", s.pages, s.volumes);
    println!(
        "  records:      {} included, {} in the schedule (withheld, not processed, copies)",
        s.records_included, s.records_in_schedule
    );
    let by_code: Vec<String> = s
        .redactions_by_code
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    println!(
        "  redactions:   {} ({})",
        s.redactions,
        if by_code.is_empty() {
            "none".into()
        } else {
            by_code.join(", ")
        }
    );
    println!("  due date:     {}", s.due);
    if s.care_leaver {
        println!(
            "  care leaver:  yes ({} boxes, chronology of {} events, support page)",
            s.box_colour, s.chronology_events
        );
    }
    println!("  glossary:     {} terms", s.glossary_terms);
    println!("  time:         {seconds:.1}s");
}
