//! Crash recovery: `sar run` on a generated export, killed with SIGKILL at ten seeded points
//! and restarted each time, ends with exactly the proposals and job states of an uninterrupted
//! run; the same with two `sar worker` processes on PostgreSQL, one of them killed.

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

/// SplitMix64: a seeded stream of kill points that no crate version can change.
fn kill_points(seed: u64, n: usize, max_ms: u64) -> Vec<u64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            20 + (z ^ (z >> 31)) % max_ms
        })
        .collect()
}

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
    let started = std::time::Instant::now();
    reference.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let duration_ms = started.elapsed().as_millis() as u64;
    let expected = reference.end_state();
    assert!(
        expected.0.lines().count() > 100,
        "the reference run proposed too little"
    );

    let crashed = Env::new(None);
    crashed.prepare(&export, &subject);
    // Each restart resumes where the last one stopped, so kill early in a run's span.
    let points = kill_points(20_261_201, 10, (duration_ms * 3 / 10).max(50));
    let total = expected.1.len();
    let mut unfinished_at_kill = Vec::new();
    for ms in &points {
        kill_after(
            crashed.spawn(&["run", "SAR-2026-0001", "--lease-seconds", "1"]),
            *ms,
        );
        let done = crashed
            .end_state()
            .1
            .iter()
            .filter(|j| j.2 == "done")
            .count();
        unfinished_at_kill.push(total - done.min(total));
    }
    // The kills must really interrupt work, not land after the run has finished.
    let interrupted = unfinished_at_kill.iter().filter(|n| **n > 0).count();
    assert!(
        interrupted >= 5,
        "only {interrupted} kills interrupted work: {unfinished_at_kill:?}"
    );
    crashed.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let got = crashed.end_state();
    assert_eq!(
        got.1, expected.1,
        "job states differ after crashes at {points:?} ms"
    );
    assert!(
        got.0 == expected.0,
        "proposals differ after crashes at {points:?} ms"
    );
    println!(
        "killed at {points:?} ms, leaving {unfinished_at_kill:?} of {total} jobs unfinished; {} proposals: identical",
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
