//! `sar-workers`: the runtime around the pipeline: the `sar` command line, and (later) the job
//! queue, the worker pool and the web review server.
//!
//! Layout:
//! - [`cli`]: the command-line grammar (clap). Command names are a contract scripts rely on.
//! - [`commands`]: one module per subcommand.
//! - [`logging`]: `tracing` set-up (`RUST_LOG`).
//! - [`pool`]: the worker pool that runs queued jobs (leases, heartbeats, retries, shutdown).

pub mod cli;
pub mod commands;
pub mod logging;
pub mod pool;
