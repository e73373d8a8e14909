//! The job queue on both backends: exactly-once under concurrent workers, leases that expire,
//! retries with backoff, and completion guarded by the lease.

use sar_pipeline::store::Db;
use sar_pipeline::store::jobs::{FailOutcome, NewJob};
use sar_pipeline::store_test;

fn jobs(n: usize) -> Vec<NewJob> {
    (0..n)
        .map(|i| NewJob::new("noop", None, &format!("item-{i}"), "input"))
        .collect()
}

async fn drain(db: Db, worker: String) -> usize {
    let mut ran = 0;
    loop {
        let claimed = db.claim_jobs(&worker, 30_000, 25).await.unwrap();
        if claimed.is_empty() {
            return ran;
        }
        for job in &claimed {
            assert!(
                db.complete_job(job, &worker, &[], &[]).await.unwrap(),
                "lost a live lease"
            );
            ran += 1;
        }
    }
}

store_test!(
    four_workers_run_ten_thousand_jobs_exactly_once,
    |db| async move {
        assert_eq!(db.enqueue_jobs(&jobs(10_000)).await.unwrap(), 10_000);
        // Enqueueing the same jobs again adds nothing.
        assert_eq!(db.enqueue_jobs(&jobs(10_000)).await.unwrap(), 0);
        let workers: Vec<_> = (0..4)
            .map(|w| tokio::spawn(drain(db.clone(), format!("worker-{w}"))))
            .collect();
        let mut per_worker = Vec::new();
        for w in workers {
            per_worker.push(w.await.unwrap());
        }
        assert_eq!(per_worker.iter().sum::<usize>(), 10_000, "{per_worker:?}");
        let (runs, distinct) = db.job_run_totals().await.unwrap();
        assert_eq!((runs, distinct), (10_000, 10_000));
        let counts = db.job_counts(None).await.unwrap();
        assert_eq!(counts["noop"].done, 10_000);
        println!("jobs per worker: {per_worker:?}");
    }
);

store_test!(
    an_expired_lease_lets_another_worker_take_the_job,
    |db| async move {
        db.enqueue_jobs(&jobs(1)).await.unwrap();
        let first = db.claim_jobs("crashed", 1, 10).await.unwrap();
        assert_eq!(first.len(), 1);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(
            db.claim_jobs("other", 30_000, 10).await.unwrap().is_empty(),
            "still leased until reaped"
        );
        assert_eq!(db.reap_expired_leases().await.unwrap(), 1);
        let second = db.claim_jobs("other", 30_000, 10).await.unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].attempts, 2);
        // The crashed worker comes back: it cannot complete a job it no longer holds.
        assert!(
            !db.complete_job(&first[0], "crashed", &[], &[])
                .await
                .unwrap()
        );
        assert!(
            db.complete_job(&second[0], "other", &[], &[])
                .await
                .unwrap()
        );
        assert_eq!(db.job_run_totals().await.unwrap(), (1, 1));
    }
);

store_test!(
    failures_retry_with_backoff_then_fail_with_their_error,
    |db| async move {
        let mut job = NewJob::new("flaky", Some("SAR-2026-0001"), "R-1", "x");
        job.max_attempts = 2;
        db.enqueue_jobs(&[job]).await.unwrap();
        let claimed = db.claim_jobs("w", 30_000, 1).await.unwrap();
        assert_eq!(
            db.fail_job(&claimed[0], "w", "boom 1", 60_000)
                .await
                .unwrap(),
            FailOutcome::Retrying
        );
        // Backing off: not claimable yet.
        assert!(db.claim_jobs("w", 30_000, 1).await.unwrap().is_empty());
        db.fail_job(&claimed[0], "w", "again", 0).await.unwrap(); // no lease any more: ignored
        let mut job2 = NewJob::new("flaky", Some("SAR-2026-0001"), "R-2", "x");
        job2.max_attempts = 1;
        db.enqueue_jobs(&[job2]).await.unwrap();
        let claimed = db.claim_jobs("w", 30_000, 1).await.unwrap();
        assert_eq!(claimed[0].subject, "R-2");
        assert_eq!(
            db.fail_job(&claimed[0], "w", "corrupt file", 0)
                .await
                .unwrap(),
            FailOutcome::Failed
        );
        let all = db.jobs_of("SAR-2026-0001").await.unwrap();
        assert_eq!(all[0].state, "queued");
        assert_eq!(all[0].last_error.as_deref(), Some("boom 1"));
        assert_eq!(all[1].state, "failed");
        assert_eq!(all[1].last_error.as_deref(), Some("corrupt file"));
        let counts = db.job_counts(Some("SAR-2026-0001")).await.unwrap();
        assert_eq!((counts["flaky"].queued, counts["flaky"].failed), (1, 1));
    }
);

store_test!(released_jobs_do_not_use_up_attempts, |db| async move {
    db.enqueue_jobs(&jobs(3)).await.unwrap();
    let claimed = db.claim_jobs("stopping", 30_000, 3).await.unwrap();
    assert!(db.release_job(&claimed[0], "stopping").await.unwrap());
    assert_eq!(db.release_jobs_of("stopping").await.unwrap(), 2);
    let again = db.claim_jobs("next", 30_000, 3).await.unwrap();
    assert_eq!(again.len(), 3);
    assert!(again.iter().all(|j| j.attempts == 1));
    // A job's heartbeat renews only its own owner's lease.
    assert!(db.heartbeat_job(again[0].id, "next", 30_000).await.unwrap());
    assert!(
        !db.heartbeat_job(again[0].id, "stopping", 30_000)
            .await
            .unwrap()
    );
});
