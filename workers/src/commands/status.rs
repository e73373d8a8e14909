//! `sar status REF`: where a request's processing stands: each stage's jobs, failures, what was
//! gathered and proposed, and the deadline.

use std::collections::BTreeMap;
use std::process::ExitCode;

use sar_pipeline::ids::RequestRef;
use sar_pipeline::stages;
use sar_pipeline::store::Db;
use sar_pipeline::store::jobs::{FAILED, JobCounts};
use serde::Serialize;

use crate::cli::Global;
use crate::commands::request::deadline_of;
use crate::commands::{open_db, today};

#[derive(Debug, clap::Args)]
pub struct Args {
    pub reference: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
pub struct Failure {
    pub kind: String,
    pub subject: String,
    pub error: String,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub reference: String,
    pub status: String,
    pub due: String,
    pub days_left: i32,
    pub stages: BTreeMap<String, JobCounts>,
    pub failures: Vec<Failure>,
    pub gathered: usize,
    pub duplicates: usize,
    pub proposals: usize,
    pub proposals_by_code: BTreeMap<String, usize>,
}

pub async fn summary(db: &Db, reference: &RequestRef) -> anyhow::Result<Summary> {
    let request = db.require_request(reference).await?;
    let today = today(&None)?;
    let d = deadline_of(&request, today)?;
    let stages = db.job_counts(Some(reference.as_str())).await?;
    let failures = db
        .jobs_of(reference.as_str())
        .await?
        .into_iter()
        .filter(|j| j.state == FAILED)
        .map(|j| Failure {
            kind: j.kind,
            subject: j.subject,
            error: j.last_error.unwrap_or_default(),
        })
        .collect();
    let gathered = db.gathered(reference.as_str()).await?;
    let proposals = db.proposals(reference.as_str()).await?;
    let mut by_code = BTreeMap::new();
    for p in &proposals {
        *by_code
            .entry(format!("{} {}", p.code, p.action))
            .or_insert(0) += 1;
    }
    Ok(Summary {
        reference: reference.to_string(),
        status: request.status.to_string(),
        due: d.due.to_string(),
        days_left: sar_pipeline::deadline::days_left(today, d.due),
        stages,
        failures,
        gathered: gathered.iter().filter(|g| g.duplicate_of.is_none()).count(),
        duplicates: gathered.iter().filter(|g| g.duplicate_of.is_some()).count(),
        proposals: proposals.len(),
        proposals_by_code: by_code,
    })
}

pub fn print(s: &Summary) {
    println!(
        "{}  ({}; due {}, {} days left)",
        s.reference, s.status, s.due, s.days_left
    );
    // In the order the stages run, then anything else.
    let order = [
        stages::EXTRACT,
        stages::GATHER,
        stages::LEARN,
        stages::DETECT,
    ];
    let mut kinds: Vec<&String> = s.stages.keys().collect();
    kinds.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
    for kind in kinds {
        let c = &s.stages[kind];
        println!(
            "  {kind:<8} {:>6} done  {:>4} running  {:>6} queued  {:>4} failed",
            c.done, c.running, c.queued, c.failed
        );
    }
    println!(
        "  gathered {} records ({} copies of others)",
        s.gathered, s.duplicates
    );
    println!("  proposals {}", s.proposals);
    for (code, n) in &s.proposals_by_code {
        println!("    {n:>7}  {code}");
    }
    if !s.failures.is_empty() {
        println!("  failed jobs (their records are listed as not processed):");
        for f in &s.failures {
            println!("    {} {}: {}", f.kind, f.subject, f.error);
        }
    }
}

pub async fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let db = open_db(global, false).await?;
    let s = summary(&db, &RequestRef::new(args.reference.trim())).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print(&s);
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
