//! `sar generate`: writes a seeded synthetic records export (for the demo, tests and benchmarks).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sar_pipeline::generate::{self, GenerateOptions, Progress};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// People the export lists (families, their circle and workers).
    #[arg(long, default_value_t = 40)]
    pub people: usize,
    /// Records in total (including three deliberately broken ones and a few copies).
    #[arg(long, default_value_t = 600)]
    pub records: usize,
    /// PDF documents among the records (TXT notes and EML emails come on top).
    #[arg(long, default_value_t = 30)]
    pub documents: usize,
    /// Directory to write; must be new or empty.
    #[arg(long)]
    pub out: PathBuf,
    /// Seed: the same arguments and seed give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Pages in each PDF.
    #[arg(long, default_value_t = generate::DEFAULT_PAGES_PER_DOCUMENT)]
    pub pages_per_document: usize,
    /// The subject is a care leaver (in care from childhood, pathway plans from 16).
    #[arg(long)]
    pub care_leaver: bool,
    /// Also pack the export into OUT.zip.
    #[arg(long)]
    pub zip: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = GenerateOptions {
        people: args.people,
        records: args.records,
        documents: args.documents,
        pages_per_document: args.pages_per_document,
        seed: args.seed,
        care_leaver: args.care_leaver,
        zip: args.zip,
        out: args.out,
    };
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("writing documents {bar:30} {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let summary = generate::generate_with_progress(&options, &|event| match event {
        Progress::Planned { files } => bar.set_length(files as u64),
        Progress::FileWritten => bar.inc(1),
    })?;
    bar.finish_and_clear();
    println!("generated {}", summary.out.display());
    println!("  subject:   {}", summary.subject_id);
    println!("  people:    {}", summary.people);
    println!("  records:   {}", summary.records);
    println!(
        "  documents: {} ({} PDFs, {} pages)",
        summary.documents, summary.pdfs, summary.pages
    );
    println!("  bytes:     {}", summary.bytes);
    if let Some(zip) = &summary.zip {
        println!("  zip:       {}", zip.display());
    }
    println!("  time:      {:.1}s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
