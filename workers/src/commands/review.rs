//! `sar review ...`: decide proposed redactions from the command line (the web UI uses the same
//! functions). Every decision is stored with who and when; nothing is ever overwritten.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::bail;
use sar_pipeline::ids::RequestRef;
use sar_pipeline::review::Standing;
use sar_pipeline::store::Db;
use sar_pipeline::store::decisions::NewDecision;

use crate::cli::Global;
use crate::commands::{actor, open_db};

#[derive(Debug, clap::Subcommand)]
pub enum ReviewCommand {
    /// List a request's proposals with their standing (pending, accepted, rejected).
    List(ListArgs),
    /// Accept or reject one proposal.
    Decide(DecideArgs),
    /// Accept or reject every occurrence of an entity (e.g. person:P-10443).
    Entity(EntityArgs),
    /// Add a redaction the tool did not propose (byte offsets into the record's text part).
    Add(AddArgs),
    /// Accept every pending proposal.
    ApproveAll(ApproveAllArgs),
    /// The second person's sign-off (refused while proposals are pending, or if the approver is
    /// the request's only reviewer).
    SignOff(SignOffArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    pub reference: String,
    /// Only pending proposals.
    #[arg(long)]
    pub pending: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("verdict").required(true).args(["accept", "reject"])))]
pub struct DecideArgs {
    pub reference: String,
    #[arg(long)]
    pub proposal: i64,
    #[arg(long)]
    pub accept: bool,
    #[arg(long)]
    pub reject: bool,
    /// Another reason code for this redaction.
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long)]
    pub reviewer: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("verdict").required(true).args(["accept", "reject"])))]
pub struct EntityArgs {
    pub reference: String,
    #[arg(long)]
    pub entity: String,
    #[arg(long)]
    pub accept: bool,
    #[arg(long)]
    pub reject: bool,
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long)]
    pub reviewer: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    pub reference: String,
    #[arg(long)]
    pub record: String,
    /// Which text of the record: title, text, body, headers, attachment:NAME.
    #[arg(long, default_value = "text")]
    pub part: String,
    #[arg(long)]
    pub page: Option<i64>,
    #[arg(long)]
    pub start: i64,
    #[arg(long)]
    pub end: i64,
    #[arg(long)]
    pub code: String,
    #[arg(long)]
    pub reviewer: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ApproveAllArgs {
    pub reference: String,
    #[arg(long)]
    pub reviewer: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SignOffArgs {
    pub reference: String,
    #[arg(long)]
    pub approver: Option<String>,
}

const CODES: &[&str] = &["TP", "CS", "SH", "EW", "HE", "CR", "LP", "CO", "AD", "NR"];

fn check_code(code: &Option<String>) -> anyhow::Result<Option<String>> {
    match code {
        Some(c) if !CODES.contains(&c.trim().to_uppercase().as_str()) => {
            bail!("unknown reason code {c:?}; use one of {}", CODES.join(", "))
        }
        Some(c) => Ok(Some(c.trim().to_uppercase())),
        None => Ok(None),
    }
}

pub async fn run(global: &Global, cmd: ReviewCommand) -> anyhow::Result<ExitCode> {
    let db = open_db(global, false).await?;
    let result = dispatch(&db, cmd).await;
    db.close().await;
    result
}

async fn reviewed(db: &Db, reference: &str) -> anyhow::Result<Vec<sar_pipeline::review::Reviewed>> {
    let reference = RequestRef::new(reference.trim());
    Ok(sar_pipeline::review::reviewed_request(db, &reference).await?)
}

async fn dispatch(db: &Db, cmd: ReviewCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ReviewCommand::List(args) => {
            let all = reviewed(db, &args.reference).await?;
            let shown: Vec<_> = all
                .iter()
                .filter(|r| !args.pending || r.standing == Standing::Pending)
                .collect();
            if args.json {
                println!("{}", serde_json::to_string_pretty(&shown)?);
            } else {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for r in &all {
                    *counts
                        .entry(match r.standing {
                            Standing::Pending => "pending",
                            Standing::Accepted => "accepted",
                            Standing::Rejected => "rejected",
                        })
                        .or_default() += 1;
                }
                println!("{} proposals: {counts:?}", all.len());
                println!(
                    "{:>7}  {:<10} {:<13} {:<4} {:<7} {:<28} TEXT",
                    "ID", "STANDING", "RECORD", "CODE", "ACTION", "ENTITY"
                );
                for r in shown {
                    let p = &r.proposal;
                    println!(
                        "{:>7}  {:<10} {:<13} {:<4} {:<7} {:<28} {}",
                        p.id,
                        format!("{:?}", r.standing).to_lowercase(),
                        p.record_id,
                        r.effective_code,
                        p.action,
                        p.entity,
                        p.text.replace('\n', " ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ReviewCommand::Decide(args) => {
            let all = reviewed(db, &args.reference).await?;
            if !all.iter().any(|r| r.proposal.id == args.proposal) {
                bail!(
                    "request {} has no proposal {}; `sar review list {}` shows them",
                    args.reference,
                    args.proposal,
                    args.reference
                );
            }
            let code = check_code(&args.code)?;
            db.record_decisions(
                args.reference.trim(),
                &actor(&args.reviewer),
                &[NewDecision::Proposal {
                    proposal_id: args.proposal,
                    accept: args.accept,
                    code,
                }],
            )
            .await?;
            println!(
                "proposal {}: {}",
                args.proposal,
                if args.accept { "accepted" } else { "rejected" }
            );
            Ok(ExitCode::SUCCESS)
        }
        ReviewCommand::Entity(args) => {
            let all = reviewed(db, &args.reference).await?;
            let n = all
                .iter()
                .filter(|r| r.proposal.entity == args.entity)
                .count();
            if n == 0 {
                bail!(
                    "request {} has no proposals for entity {:?}; `sar review list {}` shows the entities",
                    args.reference,
                    args.entity,
                    args.reference
                );
            }
            let code = check_code(&args.code)?;
            db.record_decisions(
                args.reference.trim(),
                &actor(&args.reviewer),
                &[NewDecision::Entity {
                    entity: args.entity.clone(),
                    accept: args.accept,
                    code,
                }],
            )
            .await?;
            println!(
                "{} ({n} occurrences): {}",
                args.entity,
                if args.accept { "accepted" } else { "rejected" }
            );
            Ok(ExitCode::SUCCESS)
        }
        ReviewCommand::Add(args) => {
            let reference = RequestRef::new(args.reference.trim());
            db.require_request(&reference).await?;
            let code = check_code(&Some(args.code.clone()))?.unwrap_or_default();
            let record = db
                .record(&sar_pipeline::ids::RecordId::new(args.record.trim()))
                .await?
                .ok_or_else(|| anyhow::anyhow!("no record {}; check the record id", args.record))?;
            if args.start < 0 || args.end <= args.start {
                bail!(
                    "--start {} --end {}: the end must come after the start",
                    args.start,
                    args.end
                );
            }
            if args.part == "text"
                && let Some(text) = &record.body_text
                && (args.end as usize > text.len()
                    || !text.is_char_boundary(args.start as usize)
                    || !text.is_char_boundary(args.end as usize))
            {
                bail!(
                    "--start/--end are not on character boundaries inside record {}'s text ({} bytes)",
                    record.id,
                    text.len()
                );
            }
            db.record_decisions(
                reference.as_str(),
                &actor(&args.reviewer),
                &[NewDecision::Manual {
                    record_id: record.id.clone(),
                    part: args.part,
                    page: args.page,
                    start: args.start,
                    end: args.end,
                    code,
                }],
            )
            .await?;
            println!("manual redaction added to {}", record.id);
            Ok(ExitCode::SUCCESS)
        }
        ReviewCommand::ApproveAll(args) => {
            let reference = RequestRef::new(args.reference.trim());
            let accepted =
                sar_pipeline::review::approve_all(db, &reference, &actor(&args.reviewer)).await?;
            println!("{accepted} pending proposals accepted");
            Ok(ExitCode::SUCCESS)
        }
        ReviewCommand::SignOff(args) => {
            let reference = RequestRef::new(args.reference.trim());
            let approver = actor(&args.approver);
            sar_pipeline::review::sign_off(db, &reference, &approver).await?;
            println!("{reference}: signed off by {approver}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
