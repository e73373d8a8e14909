//! One module per subcommand. Each has an `Args` (clap) and a `run`.

use std::process::ExitCode;

use anyhow::Context;
use sar_pipeline::store::Db;

use crate::cli::{Cli, Command, Global};

pub mod bundle;
pub mod deadline;
pub mod deadlines;
pub mod demo;
pub mod detect;
pub mod extract;
pub mod generate;
pub mod import;
pub mod init;
pub mod pdf;
pub mod request;
pub mod review;
pub mod run;
pub mod status;
pub mod worker;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    match cli.command {
        Command::Deadline(args) => deadline::run(args),
        Command::Detect(args) => detect::run(args),
        Command::Generate(args) => generate::run(args),
        Command::RedactPdf(args) => pdf::redact(args),
        Command::PdfText(args) => pdf::text(args),
        Command::Extract(args) => extract::run(args),
        // Commands that talk to the database share one tokio runtime.
        db_command => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                match db_command {
                    Command::Init(args) => init::run(&global, args).await,
                    Command::Import(args) => import::run(&global, args).await,
                    Command::Request(cmd) => request::run(&global, cmd).await,
                    Command::Deadlines(args) => deadlines::run(&global, args).await,
                    Command::Run(args) => run::run(&global, args).await,
                    Command::Bundle(args) => bundle::run(&global, args).await,
                    Command::Demo(args) => demo::run(&global, args).await,
                    Command::Review(cmd) => review::run(&global, cmd).await,
                    Command::Status(args) => status::run(&global, args).await,
                    Command::Worker(args) => worker::run(&global, args).await,
                    _ => unreachable!("pure commands are dispatched above"),
                }
            })
        }
    }
}

/// The database URL in force: `--database-url`, `SAR_DATABASE_URL`, else SQLite in the data
/// directory.
pub fn database_url(global: &Global) -> String {
    global
        .database_url
        .clone()
        .unwrap_or_else(|| Db::default_url(&global.data_dir))
}

/// Opens the store (creating it only for `sar init`).
pub async fn open_db(global: &Global, create: bool) -> anyhow::Result<Db> {
    Ok(Db::open(&database_url(global), create).await?)
}

/// Who is acting: `--by`, else `SAR_USER`, else the login name.
pub fn actor(by: &Option<String>) -> String {
    by.clone()
        .or_else(|| std::env::var("SAR_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Today's date, or the `--today` given for a reproducible report.
pub fn today(given: &Option<String>) -> anyhow::Result<jiff::civil::Date> {
    match given {
        Some(s) => Ok(sar_pipeline::deadline::parse_iso_date(s).context("--today")?),
        None => Ok(jiff::Zoned::now().date()),
    }
}
