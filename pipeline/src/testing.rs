//! Test support: a fresh database per test, on SQLite always and on PostgreSQL when
//! `SAR_TEST_POSTGRES_URL` names a server (CI sets it). Without it the PostgreSQL half of each
//! test prints `SKIPPED` and passes, so a newcomer's plain `cargo test --workspace` works.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

use crate::store::Db;

/// The environment variable naming the PostgreSQL server tests may use, e.g.
/// `postgres://postgres:postgres@127.0.0.1:5432/postgres`.
pub const POSTGRES_ENV: &str = "SAR_TEST_POSTGRES_URL";

/// A database that lives as long as the test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    /// Keeps a SQLite database's directory alive.
    pub dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh SQLite database in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = Db::default_url(dir.path());
        let db = Db::open(&url, true).await.expect("open SQLite");
        TestDb {
            db,
            url,
            dir: Some(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a SKIPPED line) when the server is not
    /// configured. A configured server that cannot be reached fails the test loudly.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let Some(url) = fresh_postgres_database(test).await else {
            println!("SKIPPED (PostgreSQL half of {test}): set {POSTGRES_ENV} to run it");
            return None;
        };
        let db = Db::open(&url, true)
            .await
            .expect("open PostgreSQL test database");
        Some(TestDb { db, url, dir: None })
    }
}

/// Creates an empty database on the configured server and returns its URL.
pub async fn fresh_postgres_database(test: &str) -> Option<String> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let base = std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())?;
    let name = format!(
        "sar_t_{}_{}_{}",
        test.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(30)
            .collect::<String>()
            .to_lowercase(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but the server cannot be reached: {e}"));
    let create = format!("CREATE DATABASE {name}");
    sqlx::query(sqlx::AssertSqlSafe(create))
        .execute(&mut admin)
        .await
        .expect("CREATE DATABASE");
    let _ = admin.close().await;
    let (prefix, _) = base.rsplit_once('/')?;
    Some(format!("{prefix}/{name}"))
}

/// Runs one async test body against SQLite and against PostgreSQL (when configured):
/// `store_test!(name, |db| async move { ... });` defines `name_sqlite` and `name_postgres`.
#[macro_export]
macro_rules! store_test {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test_db = $crate::testing::TestDb::sqlite().await;
                let $db = test_db.db.clone();
                $body.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = $crate::testing::TestDb::postgres(stringify!($name)).await
                else {
                    return;
                };
                let $db = test_db.db.clone();
                $body.await;
            }
        }
    };
}
