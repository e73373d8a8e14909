//! `sar redact-pdf` and `sar pdf-text`.

use std::path::PathBuf;
use std::process::ExitCode;

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

pub fn redact(_args: RedactArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}

pub fn text(_args: TextArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
