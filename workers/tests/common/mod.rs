//! Running the real `sar` binary in a test directory (shared by the integration tests).

use std::path::Path;
use std::process::{Command, Output};

/// `sar ARGS` in `dir`, on the embedded database there, as a test officer.
pub fn sar(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sar"))
        .current_dir(dir)
        .args(args)
        .env_remove("SAR_DATABASE_URL")
        .env("SAR_USER", "officer.test")
        .output()
        .unwrap()
}

/// `sar ARGS` that must succeed; returns its standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = sar(dir, args);
    assert!(
        out.status.success(),
        "sar {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
