//! `sar deadline`: a pure due-date calculator (no database). Prints the due date as
//! `YYYY-MM-DD` and nothing else, so scripts can read it; `--json` prints every date.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use sar_pipeline::deadline::{
    self, ClockEvents, HolidayCalendar, HolidayOverrides, parse_iso_date,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The day the request was received (YYYY-MM-DD).
    #[arg(long)]
    pub received: String,
    /// The deadline was extended by two further months (complex request).
    #[arg(long)]
    pub extended: bool,
    /// Calendar days the clock was stopped for clarification.
    #[arg(long, default_value_t = 0)]
    pub paused_days: u32,
    /// The day requested ID evidence arrived (restarts the month).
    #[arg(long)]
    pub id_received: Option<String>,
    /// Extra bank-holiday changes (TOML, same format as config/bank-holidays/*.toml), applied
    /// on top of the built-in list.
    #[arg(long, value_name = "PATH")]
    pub bank_holidays: Option<PathBuf>,
    /// Print every computed date as JSON instead of the due date alone.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let received = parse_iso_date(&args.received).context("--received")?;
    let mut events = ClockEvents::received(received)
        .with_paused_days(args.paused_days)
        .with_extension(args.extended);
    if let Some(id) = &args.id_received {
        events = events.with_id_received(parse_iso_date(id).context("--id-received")?);
    }

    let mut calendar = HolidayCalendar::england_and_wales();
    if let Some(path) = &args.bank_holidays {
        calendar = calendar.with_overrides(&HolidayOverrides::load(path)?)?;
    }

    let computed = deadline::deadline(&events, &calendar)?;
    if args.json {
        let json = serde_json::json!({
            "start": computed.start.to_string(),
            "paused_days": computed.paused_days,
            "extended": args.extended,
            "due": computed.due.to_string(),
            "one_month_due": computed.one_month_due.to_string(),
            "extended_due": computed.extended_due.to_string(),
            "extension_notice_by": computed.extension_notice_by.to_string(),
        });
        println!("{json}");
    } else {
        println!("{}", computed.due);
    }
    Ok(ExitCode::SUCCESS)
}
