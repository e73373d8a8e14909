//! The two migration folders must stay in step: same files, same tables and columns.

use std::collections::BTreeSet;
use std::path::Path;

fn files(backend: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `table.column` for every column a migration folder creates (parsed from its SQL).
fn columns(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(backend);
    let mut out = BTreeSet::new();
    for name in files(backend) {
        let sql = std::fs::read_to_string(dir.join(&name)).unwrap();
        let mut table: Option<String> = None;
        for line in sql.lines() {
            let line = line.split("--").next().unwrap().trim();
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                table = Some(rest.trim_end_matches('(').trim().to_string());
            } else if line.starts_with(')') {
                table = None;
            } else if let Some(t) = &table {
                let first = line.split_whitespace().next().unwrap_or("");
                if !first.is_empty()
                    && first.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && first != "primary"
                {
                    out.insert(format!("{t}.{first}"));
                }
            }
        }
    }
    out
}

#[test]
fn sqlite_and_postgres_migrations_match() {
    assert_eq!(files("sqlite"), files("postgres"));
    let (s, p) = (columns("sqlite"), columns("postgres"));
    assert!(s.len() > 40, "parsed too few columns: {s:?}");
    assert_eq!(s, p);
}
