//! `sar init`: create the data directory and the database, and run migrations.

use std::process::ExitCode;

use crate::cli::Global;
use crate::commands::{database_url, open_db};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub async fn run(global: &Global, _args: Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&global.data_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the data directory {}: {e}",
            global.data_dir.display()
        )
    })?;
    let db = open_db(global, true).await?;
    let versions = db.migrations().await?;
    println!(
        "Initialised {} (schema version {}); documents go to {}",
        redacted_url(&database_url(global)),
        versions.last().copied().unwrap_or(0),
        global.data_dir.join("documents").display()
    );
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

fn redacted_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &url[..s + 3], &url[at..]),
        _ => url.to_string(),
    }
}
