//! `sar deadline`: a pure due-date calculator.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The day the request was received (YYYY-MM-DD).
    #[arg(long)]
    pub received: String,
    /// The deadline was extended by two further months (complex request).
    #[arg(long)]
    pub extended: bool,
    /// Calendar days the clock was stopped for clarification.
    #[arg(long, default_value_t = 0)]
    pub paused_days: u32,
    /// The day requested ID evidence arrived (restarts the month).
    #[arg(long)]
    pub id_received: Option<String>,
}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
