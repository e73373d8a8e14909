//! `sar request ...`: register subject access requests and record what happens to them.
//!
//! Every change is stored with who made it (`--by`, else `SAR_USER`, else the login name) and
//! when, and shows in `sar request show`.

use std::process::ExitCode;

use anyhow::{Context, bail};
use jiff::civil::Date;
use sar_pipeline::deadline::{self, Deadline, HolidayCalendar, parse_iso_date};
use sar_pipeline::ids::{PersonId, RequestRef};
use sar_pipeline::request::{NewRequest, Pause, Request, Requester, RequesterRelationship, Status};
use sar_pipeline::store::Db;
use serde_json::json;

use crate::cli::Global;
use crate::commands::{actor, open_db, today};

#[derive(Debug, clap::Subcommand)]
pub enum RequestCommand {
    /// Register a new request; prints its reference (e.g. SAR-2026-0001).
    New(NewArgs),
    /// List requests with their status and due date.
    List(ListArgs),
    /// Show one request: requester, dates, deadline, pauses and its history.
    Show(ShowArgs),
    /// Stop the clock while the requester clarifies what they want (UK GDPR Art 12A).
    Pause(PauseArgs),
    /// Restart the clock when the requester's clarification arrives.
    Resume(ResumeArgs),
    /// Mark that the request waits for proof of identity (the month starts when it arrives).
    AwaitId(RefArgs),
    /// Record the day requested ID evidence arrived (restarts the month from that day).
    IdReceived(OnArgs),
    /// Extend by two further months; the requester must be told by the one-month date.
    Extend(ExtendArgs),
    /// Move the request to another stage of its life (in_progress, in_review, approved, ...).
    Status(StatusArgs),
    /// Record that the response was sent; the request counts as answered on that day.
    Respond(OnArgs),
    /// Close the request (after release, withdrawal or refusal).
    Close(CloseArgs),
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The data subject's person id in the imported export.
    #[arg(long)]
    pub subject: String,
    /// The day the request was received (YYYY-MM-DD), working day or not.
    #[arg(long)]
    pub received: String,
    /// Who asked, relative to the subject.
    #[arg(long, default_value = "self", value_parser = parse_relationship)]
    pub requester_relationship: RequesterRelationship,
    /// The requester's name (if not the subject).
    #[arg(long)]
    pub requester_name: Option<String>,
    /// How to reach the requester (address or email).
    #[arg(long)]
    pub requester_contact: Option<String>,
    /// How the request arrived (email, post, phone, in person, web form...).
    #[arg(long, default_value = "email")]
    pub channel: String,
    /// The subject is a care leaver (an adult who was looked after): pale redaction boxes,
    /// chronology and signposting in the bundle.
    #[arg(long)]
    pub care_leaver: bool,
    /// Who is registering it.
    #[arg(long)]
    pub by: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Include released and closed requests.
    #[arg(long)]
    pub all: bool,
    /// Count days left from this day instead of today (YYYY-MM-DD).
    #[arg(long)]
    pub today: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    pub reference: String,
    #[arg(long)]
    pub today: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RefArgs {
    pub reference: String,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PauseArgs {
    pub reference: String,
    /// The day the clarification question was sent (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Why the clock stops. Only `clarification` stops it: ID and fees restart the month instead
    /// (`sar request id-received`).
    #[arg(long, default_value = "clarification")]
    pub reason: String,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    pub reference: String,
    /// The day the requester's answer arrived (YYYY-MM-DD).
    #[arg(long)]
    pub on: String,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct OnArgs {
    pub reference: String,
    /// The day it happened (YYYY-MM-DD).
    #[arg(long)]
    pub on: String,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExtendArgs {
    pub reference: String,
    /// Why the request is complex (told to the requester).
    #[arg(long)]
    pub reason: String,
    /// The day the requester was told of the extension (default: today).
    #[arg(long)]
    pub notified_on: Option<String>,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    pub reference: String,
    /// The new status.
    #[arg(long, value_parser = parse_status)]
    pub to: Status,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    pub reference: String,
    /// Why it is closed (released, withdrawn, refused...).
    #[arg(long, default_value = "released")]
    pub reason: String,
    #[arg(long)]
    pub by: Option<String>,
}

fn parse_relationship(s: &str) -> Result<RequesterRelationship, String> {
    s.parse()
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

fn date_arg(value: &str, flag: &str) -> anyhow::Result<Date> {
    parse_iso_date(value).with_context(|| flag.to_string())
}

/// The deadline of a request as of `today`.
pub fn deadline_of(request: &Request, today: Date) -> anyhow::Result<Deadline> {
    let calendar = HolidayCalendar::england_and_wales();
    deadline::deadline(&request.clock(today), &calendar)
        .with_context(|| format!("request {}", request.reference))
}

pub async fn run(global: &Global, cmd: RequestCommand) -> anyhow::Result<ExitCode> {
    let db = open_db(global, false).await?;
    let result = dispatch(&db, cmd).await;
    db.close().await;
    result
}

async fn dispatch(db: &Db, cmd: RequestCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        RequestCommand::New(args) => new(db, args).await,
        RequestCommand::List(args) => list(db, args).await,
        RequestCommand::Show(args) => show(db, args).await,
        RequestCommand::Pause(args) => {
            let from = date_arg(&args.from, "--from")?;
            if !args.reason.eq_ignore_ascii_case("clarification") {
                bail!(
                    "only a clarification stops the clock (reason {:?}); for ID evidence use `sar request await-id` and `sar request id-received`",
                    args.reason
                );
            }
            change(db, &args.reference, &args.by, "paused", |r| {
                if r.open_pause().is_some() {
                    bail!("{} is already paused; resume it first", r.reference);
                }
                if from < r.received_on {
                    bail!(
                        "--from {from} is before the request was received ({})",
                        r.received_on
                    );
                }
                let prior = r.status;
                r.pauses.push(Pause {
                    from,
                    to: None,
                    reason: "clarification".into(),
                });
                r.status = Status::Paused;
                Ok(json!({"from": from.to_string(), "prior_status": prior.as_str()}))
            })
            .await
        }
        RequestCommand::Resume(args) => {
            let on = date_arg(&args.on, "--on")?;
            let prior = prior_status_before_pause(db, &args.reference).await?;
            change(db, &args.reference, &args.by, "resumed", |r| {
                let reference = r.reference.clone();
                let Some(pause) = r.pauses.iter_mut().find(|p| p.to.is_none()) else {
                    bail!("{reference} is not paused");
                };
                if on < pause.from {
                    bail!("--on {on} is before the pause started ({})", pause.from);
                }
                pause.to = Some(on);
                let days = (on - pause.from).get_days();
                r.status = prior.unwrap_or(Status::InProgress);
                Ok(json!({"on": on.to_string(), "paused_days": days}))
            })
            .await
        }
        RequestCommand::AwaitId(args) => {
            change(db, &args.reference, &args.by, "awaiting_id", |r| {
                r.status = Status::AwaitingId;
                Ok(json!({}))
            })
            .await
        }
        RequestCommand::IdReceived(args) => {
            let on = date_arg(&args.on, "--on")?;
            change(db, &args.reference, &args.by, "id_received", |r| {
                if on < r.received_on {
                    bail!(
                        "--on {on} is before the request was received ({})",
                        r.received_on
                    );
                }
                r.id_received_on = Some(on);
                if r.status == Status::AwaitingId {
                    r.status = Status::Received;
                }
                Ok(json!({"on": on.to_string()}))
            })
            .await
        }
        RequestCommand::Extend(args) => {
            let notified = match &args.notified_on {
                Some(d) => date_arg(d, "--notified-on")?,
                None => today(&None)?,
            };
            change(db, &args.reference, &args.by, "extended", |r| {
                if r.extended {
                    bail!("{} is already extended", r.reference);
                }
                let d = deadline_of(r, notified)?;
                if notified > d.extension_notice_by {
                    bail!(
                        "too late to extend {}: the requester had to be told by {} (one month from the start); the original due date {} stands",
                        r.reference,
                        d.extension_notice_by,
                        d.one_month_due
                    );
                }
                r.extended = true;
                r.extension_reason = Some(args.reason.clone());
                r.extension_notified_on = Some(notified);
                Ok(json!({"reason": args.reason, "notified_on": notified.to_string()}))
            })
            .await
        }
        RequestCommand::Status(args) => {
            change(db, &args.reference, &args.by, "status", |r| {
                let from = r.status;
                r.status = args.to;
                Ok(json!({"from": from.as_str(), "to": args.to.as_str()}))
            })
            .await
        }
        RequestCommand::Respond(args) => {
            let on = date_arg(&args.on, "--on")?;
            change(db, &args.reference, &args.by, "responded", |r| {
                r.responded_on = Some(on);
                r.status = Status::Released;
                Ok(json!({"on": on.to_string()}))
            })
            .await
        }
        RequestCommand::Close(args) => {
            change(db, &args.reference, &args.by, "closed", |r| {
                r.status = Status::Closed;
                Ok(json!({"reason": args.reason}))
            })
            .await
        }
    }
}

/// Loads a request, applies one change, and saves it with its event.
async fn change(
    db: &Db,
    reference: &str,
    by: &Option<String>,
    event: &str,
    apply: impl FnOnce(&mut Request) -> anyhow::Result<serde_json::Value>,
) -> anyhow::Result<ExitCode> {
    let reference = RequestRef::new(reference.trim());
    let mut request = db.require_request(&reference).await?;
    let detail = apply(&mut request)?;
    let who = actor(by);
    db.update_request(&request, &who, event, &detail).await?;
    let d = deadline_of(&request, today(&None)?)?;
    println!("{}: {} (due {})", request.reference, request.status, d.due);
    Ok(ExitCode::SUCCESS)
}

async fn prior_status_before_pause(db: &Db, reference: &str) -> anyhow::Result<Option<Status>> {
    let events = db
        .request_events(&RequestRef::new(reference.trim()))
        .await?;
    Ok(events
        .iter()
        .rev()
        .find(|e| e.event == "paused")
        .and_then(|e| e.detail.get("prior_status")?.as_str()?.parse().ok()))
}

async fn new(db: &Db, args: NewArgs) -> anyhow::Result<ExitCode> {
    let received = date_arg(&args.received, "--received")?;
    let subject = PersonId::new(args.subject.trim());
    if !db.person_exists(&subject).await? {
        bail!(
            "no person {subject} in the store; import the export that holds them first (`sar import PATH`), or check the id"
        );
    }
    let request = db
        .create_request(
            &NewRequest {
                subject,
                requester: Requester {
                    relationship: args.requester_relationship,
                    name: args.requester_name,
                    contact: args.requester_contact,
                },
                received_on: received,
                channel: args.channel,
                care_leaver: args.care_leaver,
            },
            &actor(&args.by),
        )
        .await?;
    if args.json {
        let d = deadline_of(&request, today(&None)?)?;
        println!(
            "{}",
            json!({"reference": request.reference, "due": d.due.to_string()})
        );
    } else {
        println!("{}", request.reference);
    }
    Ok(ExitCode::SUCCESS)
}

/// One request's line in listings and the caseload view.
#[derive(Debug, serde::Serialize)]
pub struct RequestLine {
    pub reference: String,
    pub subject: String,
    pub status: String,
    pub received_on: String,
    pub due: String,
    pub days_left: i32,
    pub extended: bool,
    pub paused: bool,
    /// Set while an extension is still possible: the last day to tell the requester.
    pub extension_notice_by: Option<String>,
}

pub fn line(request: &Request, today: Date) -> anyhow::Result<RequestLine> {
    let d = deadline_of(request, today)?;
    let extension_open =
        request.status.is_open() && !request.extended && today <= d.extension_notice_by;
    Ok(RequestLine {
        reference: request.reference.to_string(),
        subject: request.subject.to_string(),
        status: request.status.to_string(),
        received_on: request.received_on.to_string(),
        due: d.due.to_string(),
        days_left: deadline::days_left(today, d.due),
        extended: request.extended,
        paused: request.open_pause().is_some(),
        extension_notice_by: extension_open.then(|| d.extension_notice_by.to_string()),
    })
}

async fn list(db: &Db, args: ListArgs) -> anyhow::Result<ExitCode> {
    let today = today(&args.today)?;
    let lines: Vec<RequestLine> = db
        .requests()
        .await?
        .iter()
        .filter(|r| args.all || r.status.is_open())
        .map(|r| line(r, today))
        .collect::<anyhow::Result<_>>()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&lines)?);
        return Ok(ExitCode::SUCCESS);
    }
    if lines.is_empty() {
        println!(
            "No requests{}. Register one with `sar request new`.",
            if args.all { "" } else { " open" }
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<15} {:<14} {:<12} {:<10} {:<10} {:>9}",
        "REFERENCE", "SUBJECT", "STATUS", "RECEIVED", "DUE", "DAYS LEFT"
    );
    for l in &lines {
        println!(
            "{:<15} {:<14} {:<12} {:<10} {:<10} {:>9}",
            l.reference, l.subject, l.status, l.received_on, l.due, l.days_left
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn show(db: &Db, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let today = today(&args.today)?;
    let reference = RequestRef::new(args.reference.trim());
    let request = db.require_request(&reference).await?;
    let events = db.request_events(&reference).await?;
    let d = deadline_of(&request, today)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "request": request,
                "deadline": {
                    "start": d.start.to_string(),
                    "paused_days": d.paused_days,
                    "due": d.due.to_string(),
                    "one_month_due": d.one_month_due.to_string(),
                    "extended_due": d.extended_due.to_string(),
                    "extension_notice_by": d.extension_notice_by.to_string(),
                    "days_left": deadline::days_left(today, d.due),
                },
                "events": events,
            }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let r = &request;
    println!("{}  ({})", r.reference, r.status);
    println!(
        "  subject        {}{}",
        r.subject,
        if r.care_leaver { " (care leaver)" } else { "" }
    );
    println!(
        "  requester      {}{}{}",
        r.requester.relationship.as_str(),
        r.requester
            .name
            .as_deref()
            .map(|n| format!(", {n}"))
            .unwrap_or_default(),
        r.requester
            .contact
            .as_deref()
            .map(|c| format!(" <{c}>"))
            .unwrap_or_default()
    );
    println!("  channel        {}", r.channel);
    println!("  received       {}", r.received_on);
    if let Some(id) = r.id_received_on {
        println!("  ID received    {id} (the month runs from {})", d.start);
    }
    for p in &r.pauses {
        match p.to {
            Some(to) => println!(
                "  paused         {} to {} ({} days, {})",
                p.from,
                to,
                (to - p.from).get_days(),
                p.reason
            ),
            None => println!(
                "  paused         since {} ({}; clock stopped)",
                p.from, p.reason
            ),
        }
    }
    let left = deadline::days_left(today, d.due);
    println!(
        "  due            {}  ({})",
        d.due,
        if left < 0 {
            format!("OVERDUE by {} days", -left)
        } else {
            format!("{left} days left")
        }
    );
    if r.extended {
        println!(
            "  extended       {} (told {})",
            r.extension_reason.as_deref().unwrap_or(""),
            r.extension_notified_on
                .map(|d| d.to_string())
                .unwrap_or_default()
        );
    } else if r.status.is_open() {
        let notice_left = deadline::days_left(today, d.extension_notice_by);
        if notice_left >= 0 {
            println!(
                "  extension      possible: tell the requester by {} ({notice_left} days left); extended due date would be {}",
                d.extension_notice_by, d.extended_due
            );
        } else {
            println!(
                "  extension      no longer possible (notice was due by {})",
                d.extension_notice_by
            );
        }
    }
    if let Some(on) = r.responded_on {
        println!(
            "  responded      {on}{}",
            if on <= d.due { " (on time)" } else { " (late)" }
        );
    }
    println!("  history:");
    for e in &events {
        let at = jiff::Timestamp::from_millisecond(e.at)
            .map(|t| t.to_string())
            .unwrap_or_default();
        println!("    {at}  {:<12} by {}  {}", e.event, e.actor, e.detail);
    }
    Ok(ExitCode::SUCCESS)
}
