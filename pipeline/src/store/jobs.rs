//! The job queue's table: enqueue, claim with a lease, heartbeat, complete (with the job's
//! outputs, in one transaction), fail with backoff, release.
//!
//! Claiming is one statement: `UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING ...`. On
//! PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so concurrent workers skip each
//! other's rows instead of waiting; SQLite has one writer at a time, so the plain statement is
//! already exclusive. Every state change after the claim is guarded by `lease_owner`, so a
//! worker whose lease expired (and whose job another worker took) cannot complete it.

use serde::{Deserialize, Serialize};

use super::outputs::{JobOutput, write_output};
use super::{BeginWrite, Db, Result, now_ms, on_pool};

/// A job to add to the queue. `(kind, subject, input_sha256)` is its identity: enqueueing the
/// same job twice adds it once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewJob {
    pub kind: String,
    pub request_ref: Option<String>,
    pub subject: String,
    pub input_sha256: String,
    pub payload: serde_json::Value,
    pub priority: i64,
    pub max_attempts: i64,
}

impl NewJob {
    pub fn new(kind: &str, request_ref: Option<&str>, subject: &str, input_sha256: &str) -> Self {
        NewJob {
            kind: kind.to_string(),
            request_ref: request_ref.map(str::to_string),
            subject: subject.to_string(),
            input_sha256: input_sha256.to_string(),
            payload: serde_json::Value::Null,
            priority: 0,
            max_attempts: 5,
        }
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub request_ref: Option<String>,
    pub subject: String,
    pub input_sha256: String,
    pub payload: String,
    pub state: String,
    pub priority: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
}

impl Job {
    pub fn payload_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.payload).unwrap_or(serde_json::Value::Null)
    }
}

/// What happened when a worker reported a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Queued again, to run after the backoff.
    Retrying,
    /// No attempts left: the job is `failed` with its error.
    Failed,
    /// The worker no longer held the lease; nothing changed.
    LostLease,
}

/// Jobs per state, for progress and `sar status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

impl JobCounts {
    pub fn total(&self) -> i64 {
        self.queued + self.running + self.done + self.failed
    }
    pub fn finished(&self) -> i64 {
        self.done + self.failed
    }
}

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";

const ENQUEUE: &str = "INSERT INTO jobs (kind, request_ref, subject, input_sha256, payload, state, priority, \
     attempts, max_attempts, run_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, 'queued', $6, 0, $7, $8, $8, $8) \
     ON CONFLICT (kind, subject, input_sha256) DO NOTHING";

// $1 worker, $2 lease until, $3 now, $4 limit: numbered in the order they first appear.
const CLAIM_SQLITE: &str = "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, \
     heartbeat_at = $3, attempts = attempts + 1, updated_at = $3 \
     WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3 \
                  ORDER BY priority DESC, id LIMIT $4) \
     RETURNING id, kind, request_ref, subject, input_sha256, payload, state, priority, attempts, \
     max_attempts, run_at, lease_owner, lease_until, last_error";
const CLAIM_POSTGRES: &str = "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, \
     heartbeat_at = $3, attempts = attempts + 1, updated_at = $3 \
     WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3 \
                  ORDER BY priority DESC, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
     RETURNING id, kind, request_ref, subject, input_sha256, payload, state, priority, attempts, \
     max_attempts, run_at, lease_owner, lease_until, last_error";

// An expired lease: the worker died or hung. Its attempt counted, but a crash says more about
// the worker than the job, so a job fails for good only after four times its attempts
// (a document that kills every worker that opens it is still stopped in the end).
const REAP_EXPIRED: &str = "UPDATE jobs SET \
     state = CASE WHEN attempts >= max_attempts * 4 THEN 'failed' ELSE 'queued' END, \
     last_error = COALESCE(last_error, 'the worker stopped renewing its lease (crashed or hung)'), \
     lease_owner = NULL, lease_until = NULL, updated_at = $1, \
     finished_at = CASE WHEN attempts >= max_attempts * 4 THEN $1 ELSE NULL END \
     WHERE state = 'running' AND lease_until < $1";

const HEARTBEAT: &str = "UPDATE jobs SET lease_until = $1, heartbeat_at = $2 \
     WHERE id = $3 AND lease_owner = $4 AND state = 'running'";
const COMPLETE: &str = "UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, \
     last_error = NULL, updated_at = $1, finished_at = $1 \
     WHERE id = $2 AND lease_owner = $3 AND state = 'running'";
const RECORD_RUN: &str =
    "INSERT INTO job_runs (job_id, worker, attempt, finished_at) VALUES ($1, $2, $3, $4)";
const FAIL: &str = "UPDATE jobs SET \
     state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, \
     run_at = $1, last_error = $2, lease_owner = NULL, lease_until = NULL, updated_at = $3, \
     finished_at = CASE WHEN attempts >= max_attempts THEN $3 ELSE NULL END \
     WHERE id = $4 AND lease_owner = $5 AND state = 'running' \
     RETURNING state";
// Giving a job back (shutdown) does not use up an attempt.
const RELEASE: &str = "UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, \
     lease_until = NULL, updated_at = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'";
const RELEASE_OWNER: &str = "UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, \
     lease_until = NULL, updated_at = $1 WHERE lease_owner = $2 AND state = 'running'";
const COUNTS_FOR: &str =
    "SELECT kind, state, COUNT(*) FROM jobs WHERE request_ref = $1 GROUP BY kind, state";
const COUNTS_ALL: &str = "SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state";
const JOBS_FOR: &str = "SELECT id, kind, request_ref, subject, input_sha256, payload, state, priority, attempts, \
     max_attempts, run_at, lease_owner, lease_until, last_error FROM jobs WHERE request_ref = $1 ORDER BY id";
const UNFINISHED_OF_KIND: &str =
    "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state IN ('queued', 'running')";
// Not ready yet: back to the queue after a delay, without using up an attempt.
const DEFER: &str = "UPDATE jobs SET state = 'queued', attempts = attempts - 1, run_at = $1, lease_owner = NULL, \
     lease_until = NULL, updated_at = $2 WHERE id = $3 AND lease_owner = $4 AND state = 'running'";
const RUNS_TOTAL: &str = "SELECT COUNT(*), COUNT(DISTINCT job_id) FROM job_runs";

/// The `ENQUEUE` statement bound to one job (on either backend).
macro_rules! enqueue_query {
    ($job:expr, $now:expr) => {
        sqlx::query(ENQUEUE)
            .bind(&$job.kind)
            .bind(&$job.request_ref)
            .bind(&$job.subject)
            .bind(&$job.input_sha256)
            .bind($job.payload.to_string())
            .bind($job.priority)
            .bind($job.max_attempts)
            .bind($now)
    };
}

impl Db {
    /// Adds jobs (each once, whatever happens); returns how many were new.
    pub async fn enqueue_jobs(&self, jobs: &[NewJob]) -> Result<u64> {
        let now = now_ms();
        let mut added = 0;
        on_pool!(self, |p| {
            let mut tx = p.begin_write().await?;
            for job in jobs {
                added += enqueue_query!(job, now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        });
        Ok(added)
    }

    /// Requeues jobs whose lease expired (or fails them, after four times their attempts);
    /// returns how many.
    pub async fn reap_expired_leases(&self) -> Result<u64> {
        let now = now_ms();
        Ok(on_pool!(self, |p| sqlx::query(REAP_EXPIRED)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected()))
    }

    /// Claims up to `limit` runnable jobs for `worker`, leased for `lease_ms`.
    pub async fn claim_jobs(&self, worker: &str, lease_ms: i64, limit: i64) -> Result<Vec<Job>> {
        let now = now_ms();
        let until = now + lease_ms;
        let mut jobs: Vec<Job> = match self {
            Db::Sqlite(p) => {
                sqlx::query_as(CLAIM_SQLITE)
                    .bind(worker)
                    .bind(until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(p)
                    .await?
            }
            Db::Postgres(p) => {
                sqlx::query_as(CLAIM_POSTGRES)
                    .bind(worker)
                    .bind(until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(p)
                    .await?
            }
        };
        jobs.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.id.cmp(&b.id)));
        Ok(jobs)
    }

    /// Renews a lease; `false` when the worker no longer holds the job.
    pub async fn heartbeat_job(&self, job_id: i64, worker: &str, lease_ms: i64) -> Result<bool> {
        let now = now_ms();
        let changed = on_pool!(self, |p| sqlx::query(HEARTBEAT)
            .bind(now + lease_ms)
            .bind(now)
            .bind(job_id)
            .bind(worker)
            .execute(p)
            .await?
            .rows_affected());
        Ok(changed == 1)
    }

    /// Completes a job: its outputs, the jobs it spawns, its run record and its `done` state
    /// commit together, or not at all. Returns `false` (and writes nothing) when the worker lost
    /// its lease.
    pub async fn complete_job(
        &self,
        job: &Job,
        worker: &str,
        spawn: &[NewJob],
        outputs: &[JobOutput],
    ) -> Result<bool> {
        let now = now_ms();
        macro_rules! complete_in {
            ($p:expr) => {{
                let mut tx = $p.begin_write().await?;
                let owned = sqlx::query(COMPLETE)
                    .bind(now)
                    .bind(job.id)
                    .bind(worker)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if owned != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                for output in outputs {
                    write_output!(tx, output);
                }
                for new in spawn {
                    enqueue_query!(new, now).execute(&mut *tx).await?;
                }
                sqlx::query(RECORD_RUN)
                    .bind(job.id)
                    .bind(worker)
                    .bind(job.attempts)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }};
        }
        match self {
            Db::Sqlite(p) => complete_in!(p),
            Db::Postgres(p) => complete_in!(p),
        }
    }

    /// Reports a failed attempt: queued again after `backoff_ms`, or failed for good.
    pub async fn fail_job(
        &self,
        job: &Job,
        worker: &str,
        error: &str,
        backoff_ms: i64,
    ) -> Result<FailOutcome> {
        let now = now_ms();
        let state: Option<(String,)> = on_pool!(self, |p| sqlx::query_as(FAIL)
            .bind(now + backoff_ms)
            .bind(error)
            .bind(now)
            .bind(job.id)
            .bind(worker)
            .fetch_optional(p)
            .await?);
        Ok(match state {
            None => FailOutcome::LostLease,
            Some((s,)) if s == FAILED => FailOutcome::Failed,
            Some(_) => FailOutcome::Retrying,
        })
    }

    /// Gives a job back unfinished (a worker shutting down); the attempt does not count.
    pub async fn release_job(&self, job: &Job, worker: &str) -> Result<bool> {
        let now = now_ms();
        let changed = on_pool!(self, |p| sqlx::query(RELEASE)
            .bind(now)
            .bind(job.id)
            .bind(worker)
            .execute(p)
            .await?
            .rows_affected());
        Ok(changed == 1)
    }

    /// Puts a job that cannot run yet back in the queue for `delay_ms` (no attempt used).
    pub async fn defer_job(&self, job: &Job, worker: &str, delay_ms: i64) -> Result<bool> {
        let now = now_ms();
        let changed = on_pool!(self, |p| sqlx::query(DEFER)
            .bind(now + delay_ms)
            .bind(now)
            .bind(job.id)
            .bind(worker)
            .execute(p)
            .await?
            .rows_affected());
        Ok(changed == 1)
    }

    /// Jobs of a kind still waiting or running (any request).
    pub async fn unfinished_jobs(&self, kind: &str) -> Result<i64> {
        let (n,): (i64,) = on_pool!(self, |p| sqlx::query_as(UNFINISHED_OF_KIND)
            .bind(kind)
            .fetch_one(p)
            .await?);
        Ok(n)
    }

    /// Gives back every job a worker holds (its process is known to be gone).
    pub async fn release_jobs_of(&self, worker: &str) -> Result<u64> {
        let now = now_ms();
        Ok(on_pool!(self, |p| sqlx::query(RELEASE_OWNER)
            .bind(now)
            .bind(worker)
            .execute(p)
            .await?
            .rows_affected()))
    }

    /// Jobs per kind and state, for one request or for all.
    pub async fn job_counts(
        &self,
        request_ref: Option<&str>,
    ) -> Result<std::collections::BTreeMap<String, JobCounts>> {
        let rows: Vec<(String, String, i64)> = match request_ref {
            Some(r) => on_pool!(self, |p| sqlx::query_as(COUNTS_FOR)
                .bind(r)
                .fetch_all(p)
                .await?),
            None => on_pool!(self, |p| sqlx::query_as(COUNTS_ALL).fetch_all(p).await?),
        };
        let mut out: std::collections::BTreeMap<String, JobCounts> = Default::default();
        for (kind, state, n) in rows {
            let c = out.entry(kind).or_default();
            match state.as_str() {
                QUEUED => c.queued += n,
                RUNNING => c.running += n,
                DONE => c.done += n,
                _ => c.failed += n,
            }
        }
        Ok(out)
    }

    /// Every job of a request, in the order they were added.
    pub async fn jobs_of(&self, request_ref: &str) -> Result<Vec<Job>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, Job>(JOBS_FOR)
            .bind(request_ref)
            .fetch_all(p)
            .await?))
    }

    /// (completed runs, distinct jobs run): equal when no job ran twice.
    pub async fn job_run_totals(&self) -> Result<(i64, i64)> {
        Ok(on_pool!(self, |p| sqlx::query_as(RUNS_TOTAL)
            .fetch_one(p)
            .await?))
    }
}
