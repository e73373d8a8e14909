//! The `sar` binary: parse the command line, set up logging, run the command, map errors to exit
//! codes (0 success, 1 failure, 2 bad usage).

use std::process::ExitCode;

use clap::Parser;
use sar_workers::cli::Cli;

// Detection makes about a million small allocations per 10 MB (proposals' texts and keys,
// per-text buffers) on every core at once; glibc's malloc spent ~9 % of a run's instructions
// on them, mimalloc's thread-local free lists a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes away
    // (`sar review list REF | head`) instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    sar_workers::logging::init();
    match sar_workers::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line: what failed and why.
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
