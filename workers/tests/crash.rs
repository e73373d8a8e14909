//! Crash recovery: `sar run` killed with SIGKILL at ten seeded points and restarted each time
//! ends with exactly the proposals and job states of an uninterrupted run; the same with two
//! `sar worker` processes on PostgreSQL, one of them killed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const EXPORT: &str = "dev03-medway-caredirector";
const SUBJECT: &str = "PER-047764";

fn export() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/dev/exports")
        .join(EXPORT);
    if p.is_dir() {
        Some(p)
    } else {
        println!("SKIPPED: {} not found", p.display());
        None
    }
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

    fn prepare(&self, export: &Path) {
        self.ok(&["init"]);
        self.ok(&["import", export.to_str().unwrap()]);
        assert_eq!(
            self.ok(&[
                "request",
                "new",
                "--subject",
                SUBJECT,
                "--received",
                "2026-11-25"
            ])
            .trim(),
            "SAR-2026-0001"
        );
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
    let Some(export) = export() else { return };
    let reference = Env::new(None);
    reference.prepare(&export);
    reference.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let expected = reference.end_state();
    assert!(
        expected.0.lines().count() > 100,
        "the reference run proposed too little"
    );

    let crashed = Env::new(None);
    crashed.prepare(&export);
    let points = kill_points(20_261_201, 10, 1_500);
    for ms in &points {
        kill_after(
            crashed.spawn(&["run", "SAR-2026-0001", "--lease-seconds", "1"]),
            *ms,
        );
    }
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
        "killed at {points:?} ms; {} proposals, {} jobs: identical",
        got.0.lines().count(),
        got.1.len()
    );
}

#[test]
fn two_workers_on_postgres_one_killed_end_as_an_uninterrupted_run() {
    let Some(export) = export() else { return };
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
    reference.prepare(&export);
    reference.ok(&["run", "SAR-2026-0001", "--lease-seconds", "1"]);
    let expected = reference.end_state();

    let crashed = Env::new(fresh("crash_workers"));
    crashed.prepare(&export);
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
