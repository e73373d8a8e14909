//! The worker pool: tokio tasks that claim jobs from the queue, run their stage, and complete,
//! fail or defer them; CPU-bound stage work runs on the blocking/rayon pools inside the stages.
//!
//! Each worker holds a lease on its job and renews it from a heartbeat task while the stage
//! runs; a worker that dies stops renewing, the lease expires, and another worker (or the next
//! `sar run`) takes the job. A shutdown signal (SIGTERM, Ctrl-C) stops claiming; jobs in hand
//! finish, and are released if they cannot finish before the grace period ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sar_pipeline::blobs::BlobStore;
use sar_pipeline::stages::{self, StageError, StageResult};
use sar_pipeline::store::Db;
use sar_pipeline::store::jobs::{FailOutcome, Job};
use tokio::sync::watch;

/// How the pool behaves.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Concurrent workers.
    pub workers: usize,
    /// How long a claimed job stays leased without a heartbeat.
    pub lease: Duration,
    /// Only jobs of this request (None: any request; `sar worker`).
    pub request_ref: Option<String>,
    /// Stop when no job of the request is left to run (`sar run`); otherwise run until shut down.
    pub exit_when_idle: bool,
    /// A name for this process, used in the workers' lease ids.
    pub process_name: String,
}

impl PoolConfig {
    pub fn new(workers: usize) -> Self {
        PoolConfig {
            workers: workers.max(1),
            lease: Duration::from_secs(30),
            request_ref: None,
            exit_when_idle: true,
            process_name: format!("{}-{}", hostname(), std::process::id()),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "host".into())
}

/// What a pool run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PoolReport {
    pub completed: u64,
    pub failed: u64,
    pub retried: u64,
    pub released: u64,
}

/// Runs one job's stage.
async fn run_stage(db: &Db, blobs: &BlobStore, job: &Job) -> Result<StageResult, StageError> {
    match job.kind.as_str() {
        stages::EXTRACT => stages::extract::run(blobs, job).await,
        stages::GATHER => stages::gather::run(db, job).await,
        stages::LEARN => stages::learn::run(db, job).await,
        stages::DETECT => stages::detect::run(db, job).await,
        other => Err(StageError::job(job, format!("unknown job kind {other:?}"))),
    }
}

/// Backoff before retry `attempt` (1-based): 1 s, 4 s, 16 s... capped at 5 minutes.
fn backoff_ms(attempt: i64) -> i64 {
    let exp = (attempt.clamp(1, 6) - 1) as u32;
    (1_000i64 * 4i64.pow(exp)).min(300_000)
}

/// Runs workers until the queue is drained (with `exit_when_idle`) or `shutdown` fires.
pub async fn run(
    db: Db,
    blobs: BlobStore,
    config: PoolConfig,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<PoolReport> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    for n in 0..config.workers {
        let worker = format!("{}-w{n}", config.process_name);
        let (db, blobs, config, stop, shutdown) = (
            db.clone(),
            blobs.clone(),
            config.clone(),
            stop.clone(),
            shutdown.clone(),
        );
        handles.push(tokio::spawn(async move {
            worker_loop(db, blobs, config, worker, stop, shutdown).await
        }));
    }
    let mut report = PoolReport::default();
    for h in handles {
        let r = h.await??;
        report.completed += r.completed;
        report.failed += r.failed;
        report.retried += r.retried;
        report.released += r.released;
    }
    Ok(report)
}

async fn worker_loop(
    db: Db,
    blobs: BlobStore,
    config: PoolConfig,
    worker: String,
    stop: Arc<AtomicBool>,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<PoolReport> {
    let mut report = PoolReport::default();
    let mut idle_rounds = 0u32;
    let mut errors_in_a_row = 0u32;
    loop {
        if *shutdown.borrow() || stop.load(Ordering::Relaxed) {
            return Ok(report);
        }
        match step(
            &db,
            &blobs,
            &config,
            &worker,
            &stop,
            &mut shutdown,
            &mut report,
            &mut idle_rounds,
        )
        .await
        {
            Ok(Step::Continue) => errors_in_a_row = 0,
            Ok(Step::Stop) => return Ok(report),
            // The database was busy or briefly unreachable: a worker waits and tries again
            // rather than abandoning the request. Jobs in hand are safe: their leases expire.
            Err(e) if errors_in_a_row < 20 => {
                errors_in_a_row += 1;
                tracing::warn!(%worker, "queue error (attempt {errors_in_a_row}), retrying: {e:#}");
                tokio::time::sleep(Duration::from_millis(250 * u64::from(errors_in_a_row))).await;
            }
            Err(e) => return Err(e),
        }
    }
}

enum Step {
    Continue,
    Stop,
}

/// One turn of a worker: claim a job and run it, or wait a little when there is none.
#[allow(clippy::too_many_arguments)]
async fn step(
    db: &Db,
    blobs: &BlobStore,
    config: &PoolConfig,
    worker: &str,
    stop: &AtomicBool,
    shutdown: &mut watch::Receiver<bool>,
    report: &mut PoolReport,
    idle_rounds: &mut u32,
) -> anyhow::Result<Step> {
    let lease_ms = config.lease.as_millis() as i64;
    {
        db.reap_expired_leases().await?;
        let jobs = db.claim_jobs(worker, lease_ms, 1).await?;
        let Some(job) = jobs.into_iter().next() else {
            if config.exit_when_idle {
                let waiting = match &config.request_ref {
                    Some(r) => db
                        .job_counts(Some(r))
                        .await?
                        .values()
                        .map(|c| c.queued + c.running)
                        .sum::<i64>(),
                    None => db
                        .job_counts(None)
                        .await?
                        .values()
                        .map(|c| c.queued + c.running)
                        .sum::<i64>(),
                };
                if waiting == 0 {
                    stop.store(true, Ordering::Relaxed);
                    return Ok(Step::Stop);
                }
            }
            *idle_rounds = (*idle_rounds + 1).min(10);
            let pause = Duration::from_millis(50 * u64::from(*idle_rounds));
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
            return Ok(Step::Continue);
        };
        *idle_rounds = 0;
        tracing::debug!(job = job.id, kind = %job.kind, %worker, "claimed");

        // Renew the lease while the stage runs.
        let (done_tx, mut done_rx) = watch::channel(false);
        let heartbeat = {
            let (db, worker, job_id) = (db.clone(), worker.to_string(), job.id);
            tokio::spawn(async move {
                let every = Duration::from_millis((lease_ms / 3).max(100) as u64);
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(every) => {
                            if !db.heartbeat_job(job_id, &worker, lease_ms).await.unwrap_or(false) {
                                return;
                            }
                        }
                        _ = done_rx.changed() => return,
                    }
                }
            })
        };
        let result = run_stage(db, blobs, &job).await;
        let _ = done_tx.send(true);
        let _ = heartbeat.await;

        match result {
            Ok(StageResult::Done { outputs, spawn }) => {
                if db.complete_job(&job, worker, &spawn, &outputs).await? {
                    report.completed += 1;
                } else {
                    tracing::warn!(job = job.id, %worker, "lost the lease before completing; another worker has the job");
                }
            }
            Ok(StageResult::NotReady) => {
                db.defer_job(&job, worker, 200).await?;
            }
            Err(e) => {
                let message = e.to_string();
                match db
                    .fail_job(&job, worker, &message, backoff_ms(job.attempts))
                    .await?
                {
                    FailOutcome::Retrying => {
                        report.retried += 1;
                        tracing::warn!(
                            job = job.id,
                            attempt = job.attempts,
                            "job failed, will retry: {message}"
                        );
                    }
                    FailOutcome::Failed => {
                        report.failed += 1;
                        tracing::error!(job = job.id, "job failed for good: {message}");
                    }
                    FailOutcome::LostLease => {}
                }
            }
        }
        Ok(Step::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(1), 1_000);
        assert_eq!(backoff_ms(2), 4_000);
        assert_eq!(backoff_ms(3), 16_000);
        assert_eq!(backoff_ms(20), 300_000);
    }
}
