//! The store: the one place SQL lives.
//!
//! Two backends behind one concrete enum: SQLite is the embedded default (`./sar-data/sar.db`),
//! PostgreSQL serves deployments with workers on several machines. Every query is a
//! `&'static str` with `$n` placeholders in ascending order (SQLite treats `$n` as named
//! parameters, so the order matters), written once and run on either pool by [`on_pool!`].
//! Migrations live in `migrations/sqlite` and `migrations/postgres` (same numbers, same names)
//! and run automatically when the store opens.
//!
//! Layout:
//! - [`records`]: imports, people, relationships, documents, records.
//! - [`requests`]: requests, clock stops and the event history.
//! - [`decisions`]: reviewers' decisions, manual redactions, sign-offs.
//! - [`jobs`]: the job queue (leases, heartbeats, retries with backoff).
//! - [`outputs`]: what the stages produce, written when their job completes.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub mod decisions;
pub mod jobs;
pub mod outputs;
pub mod records;
pub mod requests;

/// Runs the same query-building expression on whichever pool the store holds. The body is
/// compiled once per backend, so each arm is fully typed.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails with
/// `SQLITE_BUSY` instead of waiting when another writer got in between.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>,
    > + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>,
    > + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>,
    > + Send {
        self.begin()
    }
}

/// Errors from the store. Messages say what failed and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no database at {path}; run `sar init` first (or pass --database-url / set SAR_DATABASE_URL)"
    )]
    NoDatabase { path: PathBuf },
    #[error("cannot open the database {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "unsupported database URL {url:?}; use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB"
    )]
    BadUrl { url: String },
    #[error("database migration failed: {0}; the database may be from a newer sar")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("no request {reference}; `sar request list` shows the references")]
    UnknownRequest { reference: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open database.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which backend a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Db {
    /// The default embedded database for a data directory.
    pub fn default_url(data_dir: &Path) -> String {
        format!("sqlite://{}", data_dir.join("sar.db").display())
    }

    /// Opens a database and runs pending migrations. With `create`, a missing SQLite file (and
    /// its directory) is created; without it, a missing file is [`StoreError::NoDatabase`].
    pub async fn open(url: &str, create: bool) -> Result<Db> {
        let db = if let Some(path) = sqlite_path(url) {
            if !create && !path.exists() {
                return Err(StoreError::NoDatabase { path });
            }
            if create
                && let Some(dir) = path.parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Connect {
                    url: url.to_string(),
                    source: sqlx::Error::Io(e),
                })?;
            }
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Connect {
                    url: url.to_string(),
                    source: e,
                })?
                .create_if_missing(create)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(60))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(|e| StoreError::Connect {
                    url: url.to_string(),
                    source: e,
                })?;
            sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
            Db::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(15))
                .connect(url)
                .await
                .map_err(|e| StoreError::Connect {
                    url: redact_password(url),
                    source: e,
                })?;
            sqlx::migrate!("../migrations/postgres").run(&pool).await?;
            Db::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl {
                url: redact_password(url),
            });
        };
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// The applied migration versions, oldest first.
    pub async fn migrations(&self) -> Result<Vec<i64>> {
        const SQL: &str = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let rows: Vec<(i64,)> = on_pool!(self, |p| sqlx::query_as(SQL).fetch_all(p).await?);
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }

    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await)
    }
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(path))
}

/// Never print a password in an error message.
fn redact_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Milliseconds since the Unix epoch, for `*_at` columns.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_password("postgres://postgres:secret@localhost/sar"),
            "postgres://postgres:***@localhost/sar"
        );
        assert_eq!(
            redact_password("postgres://localhost/sar"),
            "postgres://localhost/sar"
        );
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://sar-data/sar.db"),
            Some(PathBuf::from("sar-data/sar.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:x.db?mode=rwc"),
            Some(PathBuf::from("x.db"))
        );
        assert_eq!(sqlite_path("postgres://x"), None);
    }
}
