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
    println!("{}", render(&args)?);
    Ok(ExitCode::SUCCESS)
}

/// The text `sar deadline` prints for `args`.
fn render(args: &Args) -> anyhow::Result<String> {
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
        Ok(json.to_string())
    } else {
        Ok(computed.due.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(received: &str) -> Args {
        Args {
            received: received.to_string(),
            extended: false,
            paused_days: 0,
            id_received: None,
            bank_holidays: None,
            json: false,
        }
    }

    #[test]
    fn prints_only_the_due_date() {
        // ICO example: 3 Mar 2026 -> Good Friday 3 Apr .. Easter Monday 6 Apr -> Tue 7 Apr.
        assert_eq!(render(&args("2026-03-03")).expect("valid"), "2026-04-07");
        // 30 Jan 2025 extended: Wed 30 Apr 2025.
        let extended = Args {
            extended: true,
            ..args("2025-01-30")
        };
        assert_eq!(render(&extended).expect("valid"), "2025-04-30");
    }

    #[test]
    fn bad_dates_say_which_flag_and_the_format() {
        let err = render(&args("2026-02-30")).expect_err("no 30 Feb");
        let shown = format!("{err:#}");
        assert!(
            shown.starts_with("--received: expected a date as YYYY-MM-DD"),
            "{shown}"
        );
        let bad_id = Args {
            id_received: Some("10/03/2026".to_string()),
            ..args("2026-03-02")
        };
        let shown = format!("{:#}", render(&bad_id).expect_err("bad format"));
        assert!(shown.starts_with("--id-received:"), "{shown}");
    }

    #[test]
    fn json_lists_every_date() {
        let json: serde_json::Value = serde_json::from_str(
            &render(&Args {
                json: true,
                ..args("2024-03-28")
            })
            .expect("valid"),
        )
        .expect("JSON");
        // Sun 28 Apr -> Mon 29 Apr; extended: Fri 28 Jun.
        assert_eq!(json["due"], "2024-04-29");
        assert_eq!(json["extended_due"], "2024-06-28");
        assert_eq!(json["extension_notice_by"], "2024-04-29");
    }
}
