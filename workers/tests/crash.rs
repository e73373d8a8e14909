//! Crash recovery: `sar run` on a generated export, killed with SIGKILL at ten seeded points
//! and restarted each time, ends with exactly the proposals and job states of an uninterrupted
//! run; the same with two `sar worker` processes on PostgreSQL, one of them killed.
//!
//! The ten points are points of *progress*, not of time: "when the n-th job has completed",
//! with n drawn (seeded) so that five kills land during extraction and five in the later
//! stages (gather, learn, the detect batches). A time-based kill can land while a restart is
//! only waiting for the dead process's leases to expire, and then interrupts nothing; a kill
//! at a job count always lands with the run mid-way and the next job in flight.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A generated care-leaver export (seeded, so every run of the test sees the same one) and its
/// subject's id.
fn export() -> Option<(tempfile::TempDir, PathBuf, String)> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let status = Command::new(env!("CARGO_BIN_EXE_sar"))
        .args([
            "generate",
            "--people",
            "40",
            "--records",
            "4000",
            "--documents",
            "80",
        ])
        .args([
            "--pages-per-document",
            "6",
            "--care-leaver",
            "--seed",
            "42",
            "--out",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "sar generate failed");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("generator.json")).unwrap()).unwrap();
    let subject = truth["subject"]["id"].as_str().unwrap().to_string();
    Some((dir, out, subject))
}

struct Env {
    dir: tempfile::TempDir,
    url: String,
}

impl Env {
    fn new(url: Option<String>) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let url = url.unwrap_or_else(|| {
            format!("sqlite://{}", dir.path().join("sar-data/sar.db").display())
        });
        Env { dir, url }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sar"));
        cmd.current_dir(self.dir.path())
            .args(args)
            .env("SAR_DATABASE_URL", &self.url)
            .env("SAR_USER", "crash.test");
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "sar {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    fn prepare(&self, export: &Path, subject: &str) {
        self.ok(&["init"]);
        self.ok(&["import", export.to_str().unwrap()]);
        let reference = self.ok(&[
            "request",
            "new",
            "--subject",
            subject,
            "--received",
            "2026-11-25",
        ]);
        assert_eq!(reference.trim(), "SAR-2026-0001");
    }

    /// The end state that must not depend on crashes: proposals and job states.
    fn end_state(&self) -> (String, Vec<(String, String, String)>) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let db = sar_pipeline::store::Db::open(&self.url, false)
                .await
                .unwrap();
            let mut proposals: Vec<String> = db
                .proposals("SAR-2026-0001")
                .await
                .unwrap()
                .into_iter()
                .map(|p| {
                    format!(
                        "{}|{}|{:?}|{}|{}|{}|{}|{}|{}",
                        p.record_id,
                        p.part,
                        p.page,
                        p.start_byte,
                        p.end_byte,
                        p.code,
                        p.action,
                        p.detector,
                        p.entity
                    )
                })
                .collect();
            proposals.sort();
            let mut jobs: Vec<(String, String, String)> = db
                .jobs_of("SAR-2026-0001")
                .await
                .unwrap()
                .into_iter()
                .map(|j| (j.kind, j.subject, j.state))
                .collect();
            jobs.sort();
            let (runs, distinct) = db.job_run_totals().await.unwrap();
            assert_eq!(runs, distinct, "a job completed twice");
            db.close().await;
            (proposals.join("\n"), jobs)
        })
    }
}

/// SplitMix64: a seeded stream of numbers that no crate version can change.
fn seeded(seed: u64, n: usize) -> Vec<u64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        })
        .collect()
}

/// Seeded kill times in milliseconds, 20 to `max_ms` after a start.
fn kill_points(seed: u64, n: usize, max_ms: u64) -> Vec<u64> {
    seeded(seed, n)
        .into_iter()
        .map(|z| 20 + z % max_ms)
        .collect()
}

/// `n` distinct seeded values in `range`, in increasing order (fewer if the range is smaller).
fn distinct_in(seed: u64, n: usize, range: std::ops::Range<usize>) -> Vec<usize> {
    let mut picked = std::collections::BTreeSet::new();
    let mut stream = seeded(seed, 10_000).into_iter();
    while picked.len() < n.min(range.len()) {
        let z = stream.next().expect("enough numbers") as usize;
        picked.insert(range.start + z % range.len());
    }
    picked.into_iter().collect()
}

/// Kills `child` with SIGKILL as soon as `done_at_least` of the request's jobs have completed
/// (or it has exited by itself), and returns how many had completed by then.
fn kill_when_done(env: &Env, mut child: Child, done_at_least: usize) -> usize {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let started = std::time::Instant::now();
    let done = rt.block_on(async {
        let db = sar_pipeline::store::Db::open(&env.url, false)
            .await
            .unwrap();
        let done = loop {
            let done = match db.job_counts(Some("SAR-2026-0001")).await {
                Ok(counts) => counts.values().map(|c| c.done as usize).sum(),
                Err(_) => 0, // busy with the writer: ask again
            };
            if done >= done_at_least || child.try_wait().unwrap().is_some() {
                break done;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "the run never completed {done_at_least} jobs"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        db.close().await;
        done
    });
    // SIGKILL: no chance to release leases or finish anything.
    let _ = child.kill();
    let _ = child.wait();
    done
}

/// Kills `child` with SIGKILL `ms` milliseconds after it started.
fn kill_after(mut child: Child, ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
    // SIGKILL: no chance to release leases or finish anything.
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn sar_run_killed_ten_times_ends_as_an_uninterrupted_run() {
    let Some((_keep, export, subject)) = export() else {
        return;
    };
    let reference = Env::new(None);
    reference.prepare(&export, &subject);
    reference.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let expected = reference.end_state();
    assert!(
        expected.0.lines().count() > 100,
        "the reference run proposed too little"
    );

    let crashed = Env::new(None);
    crashed.prepare(&export, &subject);
    // Ten points of progress: one in each fifth of extraction, five in the stages after it.
    let total = expected.1.len();
    let extracts = expected.1.iter().filter(|j| j.0 == "extract").count();
    assert!(
        total > extracts + 5,
        "too few jobs after extraction: {total}"
    );
    let fifth = (extracts - 1) / 5;
    let mut points: Vec<usize> = (0..5)
        .flat_map(|i| distinct_in(20_261_201 + i as u64, 1, 1 + i * fifth..1 + (i + 1) * fifth))
        .collect();
    points.extend(distinct_in(20_261_206, 5, extracts..total));
    let mut done_at_kill = Vec::new();
    for &point in &points {
        let child = crashed.spawn(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
        done_at_kill.push(kill_when_done(&crashed, child, point));
    }
    // Almost every kill must land mid-run (two jobs finishing between polls may end it).
    let interrupted = done_at_kill.iter().filter(|&&d| d < total).count();
    assert!(
        interrupted >= 9,
        "only {interrupted} kills interrupted the run: {done_at_kill:?} of {total} jobs done"
    );
    let unfinished_at_kill: Vec<usize> = done_at_kill.iter().map(|d| total - d).collect();
    crashed.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let got = crashed.end_state();
    assert_eq!(
        got.1, expected.1,
        "job states differ after crashes at {points:?} jobs done"
    );
    assert!(
        got.0 == expected.0,
        "proposals differ after crashes at {points:?} jobs done"
    );
    println!(
        "killed when {points:?} jobs had completed, leaving {unfinished_at_kill:?} of {total} jobs unfinished; {} proposals: identical",
        got.0.lines().count()
    );
}

#[test]
fn two_workers_on_postgres_one_killed_end_as_an_uninterrupted_run() {
    let Some((_keep, export, subject)) = export() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fresh = |name: &str| rt.block_on(sar_pipeline::testing::fresh_postgres_database(name));
    let Some(reference_url) = fresh("crash_reference") else {
        println!(
            "SKIPPED: set {} to run the PostgreSQL crash test",
            sar_pipeline::testing::POSTGRES_ENV
        );
        return;
    };
    let reference = Env::new(Some(reference_url));
    reference.prepare(&export, &subject);
    reference.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let expected = reference.end_state();

    let crashed = Env::new(fresh("crash_workers"));
    crashed.prepare(&export, &subject);
    crashed.ok(&["run", "SAR-2026-0001", "--enqueue-only"]);
    for ms in kill_points(7, 3, 800) {
        let survivor = crashed.spawn(&[
            "worker",
            "--workers",
            "2",
            "--lease-seconds",
            "1",
            "--exit-when-idle",
        ]);
        kill_after(
            crashed.spawn(&["worker", "--workers", "2", "--lease-seconds", "1"]),
            ms,
        );
        let status = {
            let mut s = survivor;
            s.wait().unwrap()
        };
        assert!(status.success());
    }
    crashed.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let got = crashed.end_state();
    assert_eq!(got.1, expected.1);
    assert!(
        got.0 == expected.0,
        "proposals differ after a worker was killed"
    );
}
