//! `sar run REF`: process a request in this process: extract every document, gather the
//! subject's records, detect third-party data, and leave the proposals waiting for review.
//!
//! Every step is a job in the database queue, so `sar run` can be killed at any point and run
//! again: finished jobs are not repeated, a job that was running when the process died is taken
//! again once its lease expires, and the end state is the same as an uninterrupted run.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use sar_pipeline::blobs::BlobStore;
use sar_pipeline::ids::RequestRef;
use sar_pipeline::request::Status;
use sar_pipeline::stages::{self, extract, gather};
use sar_pipeline::store::Db;
use sar_pipeline::store::jobs::NewJob;

use crate::cli::Global;
use crate::commands::{actor, open_db};
use crate::pool::{self, PoolConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The request's reference (SAR-2026-0001).
    pub reference: String,
    /// Concurrent workers (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Lease length in seconds: a job held by a process that died is taken again after this.
    #[arg(long, default_value_t = 30)]
    pub lease_seconds: u64,
    /// Who is running it.
    #[arg(long)]
    pub by: Option<String>,
    /// Only queue the request's jobs, for `sar worker` processes to run.
    #[arg(long)]
    pub enqueue_only: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The jobs that process a request from scratch (enqueueing them again adds nothing).
pub async fn initial_jobs(db: &Db, reference: &str) -> anyhow::Result<Vec<NewJob>> {
    let mut jobs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in db.records().await? {
        if let (Some(sha), Some(path)) = (&row.document_sha256, &row.file_path)
            && seen.insert(sha.clone())
        {
            jobs.push(extract::job(reference, sha, path));
        }
    }
    jobs.push(gather::job(reference));
    Ok(jobs)
}

/// A signal that fires on Ctrl-C or SIGTERM.
pub fn shutdown_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("install the SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("sar: stopping after the jobs in hand (send again to force)");
        let _ = tx.send(true);
    });
    rx
}

pub async fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let db = open_db(global, false).await?;
    let reference = RequestRef::new(args.reference.trim());
    let mut request = db.require_request(&reference).await?;
    if matches!(request.status, Status::Received) {
        request.status = Status::InProgress;
        db.update_request(
            &request,
            &actor(&args.by),
            "processing_started",
            &serde_json::json!({}),
        )
        .await?;
    }
    let jobs = initial_jobs(&db, reference.as_str()).await?;
    db.enqueue_jobs(&jobs)
        .await
        .context("queueing the request's jobs")?;
    if args.enqueue_only {
        println!("{}: {} jobs queued for `sar worker`", reference, jobs.len());
        db.close().await;
        return Ok(ExitCode::SUCCESS);
    }

    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let mut config = PoolConfig::new(workers);
    config.lease = Duration::from_secs(args.lease_seconds.max(1));
    config.request_ref = Some(reference.to_string());
    config.exit_when_idle = true;

    let progress = Progress::start(db.clone(), reference.to_string(), args.json);
    let blobs = BlobStore::in_data_dir(&global.data_dir);
    let report = pool::run(db.clone(), blobs, config, shutdown_signal()).await?;
    progress.finish().await;

    let counts = db.job_counts(Some(reference.as_str())).await?;
    let all_done = counts.values().all(|c| c.queued + c.running == 0);
    if all_done && counts.get(stages::DETECT).is_some_and(|c| c.done > 0) {
        let mut request = db.require_request(&reference).await?;
        if matches!(request.status, Status::Received | Status::InProgress) {
            request.status = Status::InReview;
            db.update_request(
                &request,
                &actor(&args.by),
                "ready_for_review",
                &serde_json::json!({}),
            )
            .await?;
        }
    }
    let summary = crate::commands::status::summary(&db, &reference).await?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"run": report, "status": summary}))?
        );
    } else {
        crate::commands::status::print(&summary);
    }
    db.close().await;
    Ok(if all_done {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Progress bars per stage, drawn from the queue's counts (hidden when stderr is not a
/// terminal or with --json).
struct Progress {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Progress {
    fn start(db: Db, reference: String, quiet: bool) -> Progress {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let multi = MultiProgress::new();
            if quiet {
                multi.set_draw_target(ProgressDrawTarget::hidden());
            }
            let style = ProgressStyle::with_template(
                "{prefix:>8} [{bar:30}] {pos}/{len} {msg} (ETA {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            let bars: Vec<(&str, ProgressBar)> = [
                stages::EXTRACT,
                stages::GATHER,
                stages::LEARN,
                stages::DETECT,
            ]
            .into_iter()
            .map(|kind| {
                let bar = multi.add(ProgressBar::new(0));
                bar.set_style(style.clone());
                bar.set_prefix(kind);
                (kind, bar)
            })
            .collect();
            loop {
                if let Ok(counts) = db.job_counts(Some(&reference)).await {
                    for (kind, bar) in &bars {
                        let c = counts.get(*kind).cloned().unwrap_or_default();
                        bar.set_length(c.total() as u64);
                        bar.set_position(c.finished() as u64);
                        bar.set_message(if c.failed > 0 {
                            format!("{} failed", c.failed)
                        } else {
                            String::new()
                        });
                    }
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                    _ = stopped.changed() => break,
                }
            }
            for (_, bar) in &bars {
                bar.finish();
            }
        });
        Progress { stop, task }
    }

    async fn finish(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
