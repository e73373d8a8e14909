//! `sar import PATH`: load a records export (directory or .zip) into the store.
//!
//! Exit codes: 0 when the export was read, even if some records or files had problems (they
//! are printed and kept as "not processed"); 1 when the export cannot be read at all.

use std::path::PathBuf;
use std::process::ExitCode;

use sar_pipeline::blobs::BlobStore;
use sar_pipeline::import::import;

use crate::cli::Global;
use crate::commands::open_db;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export: a directory holding export.json, or a .zip of one.
    pub path: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let db = open_db(global, false).await?;
    let blobs = BlobStore::in_data_dir(&global.data_dir);
    let report = import(&db, &blobs, &args.path).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("Imported {}", report.source);
        println!(
            "  people {}, relationships {}, records {} ({} new, {} updated, {} unchanged)",
            report.people,
            report.relationships,
            report.records,
            report.records_added,
            report.records_updated,
            report.records_unchanged
        );
        println!(
            "  documents {} ({} newly stored), records not processed {}",
            report.documents, report.documents_stored, report.not_processed
        );
        if report.problems.is_empty() {
            println!("  no problems");
        } else {
            println!("  {} problem(s):", report.problems.len());
            for p in &report.problems {
                println!("    - {p}");
            }
        }
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
