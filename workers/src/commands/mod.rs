//! One module per subcommand. Each has an `Args` (clap) and a `run`.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub mod deadline;
pub mod deadlines;
pub mod detect;
pub mod import;
pub mod init;
pub mod pdf;
pub mod request;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    match cli.command {
        Command::Deadline(args) => deadline::run(args),
        Command::Detect(args) => detect::run(args),
        Command::RedactPdf(args) => pdf::redact(args),
        Command::PdfText(args) => pdf::text(args),
        // Commands that talk to the database share one tokio runtime.
        db_command => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                match db_command {
                    Command::Init(args) => init::run(&global, args).await,
                    Command::Import(args) => import::run(&global, args).await,
                    Command::Request(cmd) => request::run(&global, cmd).await,
                    Command::Deadlines(args) => deadlines::run(&global, args).await,
                    _ => unreachable!("pure commands are dispatched above"),
                }
            })
        }
    }
}
