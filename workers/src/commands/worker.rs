//! `sar worker`: a long-running worker for PostgreSQL deployments. Start as many as you like,
//! on as many machines as you like (they share the database and the documents directory); each
//! claims jobs with `FOR UPDATE SKIP LOCKED`, so no two run the same job. SIGTERM or Ctrl-C lets
//! the jobs in hand finish, then exits.

use std::process::ExitCode;
use std::time::Duration;

use sar_pipeline::blobs::BlobStore;

use crate::cli::Global;
use crate::commands::open_db;
use crate::commands::run::shutdown_signal;
use crate::pool::{self, PoolConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Concurrent workers in this process (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Lease length in seconds.
    #[arg(long, default_value_t = 30)]
    pub lease_seconds: u64,
    /// Exit when the queue is empty instead of waiting for more work.
    #[arg(long)]
    pub exit_when_idle: bool,
}

pub async fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let db = open_db(global, false).await?;
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let mut config = PoolConfig::new(workers);
    config.lease = Duration::from_secs(args.lease_seconds.max(1));
    config.exit_when_idle = args.exit_when_idle;
    eprintln!(
        "sar worker {}: {workers} workers; Ctrl-C or SIGTERM to stop",
        config.process_name
    );
    let report = pool::run(
        db.clone(),
        BlobStore::in_data_dir(&global.data_dir),
        config,
        shutdown_signal(),
    )
    .await?;
    eprintln!(
        "sar worker: {} jobs completed, {} retried, {} failed",
        report.completed, report.retried, report.failed
    );
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
