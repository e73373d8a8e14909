//! `sar detect`: detection straight over an export, no database.

use std::path::PathBuf;
use std::process::ExitCode;

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
}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
