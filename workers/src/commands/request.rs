//! `sar request ...` (being written).

use std::process::ExitCode;

use crate::cli::Global;

#[derive(Debug, clap::Subcommand)]
pub enum RequestCommand {
    /// List requests.
    List,
}

pub async fn run(_global: &Global, _cmd: RequestCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
