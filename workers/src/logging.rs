//! Logging through `tracing`, filtered by `RUST_LOG` (default: warnings only), to stderr so that
//! stdout stays clean for `--json` output. Logs carry ids, never document text or names.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,sqlx::query=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
